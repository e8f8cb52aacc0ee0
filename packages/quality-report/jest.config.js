import { createJestConfig } from '@storeflow/jest-preset';

export default createJestConfig(import.meta.dirname);
