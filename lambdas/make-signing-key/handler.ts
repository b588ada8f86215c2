import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { signingKeyResource } from './signingKeyResource.js';

/** CloudFormation's service token for `Custom::MediaSigningKey`; the function answers CloudFormation itself. */
export const handler = middy<CloudFormationCustomResourceEvent, void>().handler((event) => signingKeyResource(event));
