import 'aws-sdk-client-mock-vitest/extend';

// Unit tests never touch the network: the SDK gets fixed, fake credentials and a region
// so that signing works offline and nothing reaches for the instance metadata service.
process.env.AWS_REGION ??= 'eu-west-1';
process.env.AWS_ACCESS_KEY_ID ??= 'AKIAUNITTEST00000000';
process.env.AWS_SECRET_ACCESS_KEY ??= 'unit-test-secret-key-0000000000000000000';
