import { CloudFrontClient } from '@aws-sdk/client-cloudfront';

/** The CloudFront client, created once per container (a global service: the SDK signs for us-east-1 whatever the region). */
export const cloudFront = new CloudFrontClient({});
