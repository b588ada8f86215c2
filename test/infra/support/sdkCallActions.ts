/**
 * The IAM actions each AWS SDK call needs, by the module it is imported from and the name it is
 * imported as: commands (`new GetObjectCommand(…)`, sent or presigned alike, since a presigned
 * URL carries the signer's permissions) and paginators (`paginateListObjectsV2(…)`, which send
 * the command they are named after). Written from the Service Authorization Reference: an
 * S3 multipart upload's create, parts and complete are all s3:PutObject, HEAD is s3:GetObject,
 * ListParts is s3:ListMultipartUploadParts, ListObjectsV2 is s3:ListBucket; lib-dynamodb's
 * document commands need the action of the item command they wrap.
 *
 * A call the code makes that is missing here fails the least-privilege test, which asks for it
 * to be added: the table only grows with calls the code really makes.
 */
export const SDK_CALL_ACTIONS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  '@aws-sdk/client-s3': {
    GetObjectCommand: ['s3:GetObject'],
    HeadObjectCommand: ['s3:GetObject'],
    PutObjectCommand: ['s3:PutObject'],
    CopyObjectCommand: ['s3:GetObject', 's3:PutObject'],
    CreateMultipartUploadCommand: ['s3:PutObject'],
    UploadPartCommand: ['s3:PutObject'],
    UploadPartCopyCommand: ['s3:GetObject', 's3:PutObject'],
    CompleteMultipartUploadCommand: ['s3:PutObject'],
    AbortMultipartUploadCommand: ['s3:AbortMultipartUpload'],
    ListPartsCommand: ['s3:ListMultipartUploadParts'],
    paginateListParts: ['s3:ListMultipartUploadParts'],
    ListMultipartUploadsCommand: ['s3:ListBucketMultipartUploads'],
    DeleteObjectCommand: ['s3:DeleteObject'],
    GetObjectTaggingCommand: ['s3:GetObjectTagging'],
    GetObjectAttributesCommand: ['s3:GetObjectAttributes'],
    PutObjectTaggingCommand: ['s3:PutObjectTagging'],
    DeleteObjectsCommand: ['s3:DeleteObject'],
    ListObjectsV2Command: ['s3:ListBucket'],
    paginateListObjectsV2: ['s3:ListBucket'],
  },
  '@aws-sdk/lib-dynamodb': {
    GetCommand: ['dynamodb:GetItem'],
    PutCommand: ['dynamodb:PutItem'],
    UpdateCommand: ['dynamodb:UpdateItem'],
    DeleteCommand: ['dynamodb:DeleteItem'],
    QueryCommand: ['dynamodb:Query'],
    paginateQuery: ['dynamodb:Query'],
    ScanCommand: ['dynamodb:Scan'],
    paginateScan: ['dynamodb:Scan'],
    BatchGetCommand: ['dynamodb:BatchGetItem'],
    BatchWriteCommand: ['dynamodb:BatchWriteItem'],
  },
  '@aws-sdk/client-dynamodb': {
    GetItemCommand: ['dynamodb:GetItem'],
    PutItemCommand: ['dynamodb:PutItem'],
    UpdateItemCommand: ['dynamodb:UpdateItem'],
    DeleteItemCommand: ['dynamodb:DeleteItem'],
    QueryCommand: ['dynamodb:Query'],
    paginateQuery: ['dynamodb:Query'],
    ScanCommand: ['dynamodb:Scan'],
    paginateScan: ['dynamodb:Scan'],
    BatchGetItemCommand: ['dynamodb:BatchGetItem'],
    BatchWriteItemCommand: ['dynamodb:BatchWriteItem'],
    DescribeTableCommand: ['dynamodb:DescribeTable'],
  },
  '@aws-sdk/client-eventbridge': {
    PutEventsCommand: ['events:PutEvents'],
  },
  '@aws-sdk/client-secrets-manager': {
    GetSecretValueCommand: ['secretsmanager:GetSecretValue'],
    PutSecretValueCommand: ['secretsmanager:PutSecretValue'],
  },
  '@aws-sdk/client-sqs': {
    SendMessageCommand: ['sqs:SendMessage'],
    SendMessageBatchCommand: ['sqs:SendMessage'],
    ReceiveMessageCommand: ['sqs:ReceiveMessage'],
    DeleteMessageCommand: ['sqs:DeleteMessage'],
    ChangeMessageVisibilityCommand: ['sqs:ChangeMessageVisibility'],
    ChangeMessageVisibilityBatchCommand: ['sqs:ChangeMessageVisibility'],
    GetQueueAttributesCommand: ['sqs:GetQueueAttributes'],
  },
  '@aws-sdk/client-apigatewaymanagementapi': {
    PostToConnectionCommand: ['execute-api:ManageConnections'],
    DeleteConnectionCommand: ['execute-api:ManageConnections'],
    GetConnectionCommand: ['execute-api:ManageConnections'],
  },
  '@aws-sdk/client-cloudfront': {
    CreateInvalidationCommand: ['cloudfront:CreateInvalidation'],
  },
  '@aws-sdk/client-mediaconvert': {
    // A job names the role MediaConvert assumes, which the caller must be allowed to pass.
    CreateJobCommand: ['mediaconvert:CreateJob', 'iam:PassRole'],
    GetJobCommand: ['mediaconvert:GetJob'],
    CancelJobCommand: ['mediaconvert:CancelJob'],
  },
};

/** SDK exports that are called or constructed without reaching AWS themselves. */
export const SDK_HELPERS: Readonly<Record<string, readonly string[]>> = {
  // Signs the command passed in, whose own entry names the permission.
  '@aws-sdk/s3-request-presigner': ['getSignedUrl'],
  '@aws-sdk/lib-dynamodb': ['DynamoDBDocumentClient'],
  // Converts a stream record's attribute values to plain ones, in memory.
  '@aws-sdk/util-dynamodb': ['unmarshall'],
};
