// The one module that knows where the project's data generator lives, so moving it to another
// package changes one import here and nothing else in the bench.
export { DataGenerator, type GeneratedFile } from '@storeflow/datagen';
