export type { IdxArray, IdxDataType, IdxTypedArray } from './idx/idx-types.js';
export { parseIdx, type ParseIdxOptions } from './idx/parse-idx.js';
export { encodeIdx } from './idx/encode-idx.js';
export { readIdx } from './idx/read-idx.js';
export { readIdxFile, writeIdxFile, type WriteIdxFileOptions } from './idx/idx-files.js';
export { gunzip, gzip, isGzip } from './io/gzip.js';
export { sha256Hex } from './io/sha256.js';
export { seededRandom, type RandomFactory, type UniformRandom } from './random/uniform-random.js';
export { randomPermutation, shuffleInPlace } from './random/shuffle.js';
export { selectExamples, type ImageSet } from './image-set.js';
export { splitValidation, type SplitValidationOptions, type ValidationSplit } from './split-validation.js';
export { balancedSubsetIndices, type BalancedSubsetOptions } from './balanced-subset.js';
export {
  createBatchLoader,
  type BatchLoader,
  type BatchLoaderOptions,
  type BatchStorage,
  type ImageBatch,
} from './batching/batch-loader.js';
export { FASHION_MNIST_CLASSES, type FashionMnistClass } from './fashion-mnist/classes.js';
export { FASHION_MNIST_FILES, FASHION_MNIST_SHA256, type FashionMnistFile } from './fashion-mnist/files.js';
export { readFashionMnistSubsetManifest, type FashionMnistSubsetManifest } from './fashion-mnist/subset-manifest.js';
export {
  loadFashionMnist,
  type FashionMnist,
  type FashionMnistSource,
  type LoadFashionMnistOptions,
} from './fashion-mnist/load-fashion-mnist.js';
export {
  fashionMnistDatasetSchema,
  resolveFashionMnistDataset,
  verifyFashionMnistDataset,
  type FashionMnistDatasetConfig,
  type ResolvedFashionMnist,
} from './fashion-mnist/dataset-config.js';
