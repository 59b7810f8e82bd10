/**
 * A small well-formedness check for the SVG the report code writes: balanced tags, quoted
 * attributes, and no bare `<` or `&` in text or attribute values. Returns the problems found.
 */
export function xmlProblems(text: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  const checkText = (value: string, where: string): void => {
    if (value.replace(entity, '').includes('&')) problems.push(`bare & in ${where}: ${value.slice(0, 60)}`);
  };
  const tokens = text.match(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<\/?[A-Za-z][^>]*>|[^<]+|</g) ?? [];
  for (const token of tokens) {
    if (token === '<') problems.push('bare <');
    else if (token.startsWith('<!--') || token.startsWith('<?')) continue;
    else if (token.startsWith('</')) {
      const name = token.slice(2, -1).trim();
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
    } else if (token.startsWith('<')) {
      const match = /^<([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>$/.exec(token);
      if (match === null) {
        problems.push(`malformed tag ${token.slice(0, 80)}`);
        continue;
      }
      checkText(match[2] ?? '', `attributes of <${match[1] ?? ''}>`);
      if (match[3] !== '/') stack.push(match[1] ?? '');
    } else checkText(token, 'text');
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);
  return problems;
}
