/**
 * The feature flags the pipeline is designed and tested with: cdk.json's context, which
 * test/infra/MediaPipeline.test.ts holds equal to this. `MediaPipeline` sets them on its own
 * subtree, so it makes the same resources in a user's app whatever flags that app sets or lacks:
 * without `serverAccessLogsUseBucketPolicy`, for one, S3 would deliver access logs through an
 * ACL, which the buckets' BucketOwnerEnforced ownership (ACLs off) forbids, and synth would fail.
 * `minimizePolicies` alone acts at the stack (policies resolve in the stack's scope): in an app
 * without it the roles hold the same permissions, spread over one statement per grant.
 */
export const PIPELINE_FEATURE_FLAGS: Readonly<Record<string, boolean>> = {
  '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
  '@aws-cdk/core:checkSecretUsage': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/core:validateSnapshotRemovalPolicy': true,
  '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-cloudfront:defaultSecurityPolicyTLSv1.2_2021': true,
  '@aws-cdk/aws-lambda:useCdkManagedLogGroup': true,
  '@aws-cdk/aws-lambda-nodejs:useLatestRuntimeVersion': true,
  '@aws-cdk/aws-apigateway:disableCloudWatchRole': true,
};
