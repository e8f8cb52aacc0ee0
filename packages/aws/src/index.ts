export { type AwsConnection, AwsService, resolveAwsConnection } from './awsEndpoints.js';
export { type AwsClients, createAwsClients } from './createAwsClients.js';
