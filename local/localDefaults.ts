/** Names and defaults of local mode. */
export const LOCAL_REGION = 'us-east-1';

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * The access key id of local mode's key pair: s3rver's built-in one, since s3rver 3.7.1 rejects
 * any other. The secret is made per data folder (`loadLocalCredentials`).
 */
export const LOCAL_ACCESS_KEY_ID = 'S3RVER';

/** The account id in local ARNs and queue URLs. */
export const LOCAL_ACCOUNT_ID = '000000000000';

export const LOCAL_RESOURCES = {
  uploadsBucket: 'media-pipeline-uploads',
  mediaBucket: 'media-pipeline-media',
  uploadsTable: 'media-pipeline-uploads',
  usageTable: 'media-pipeline-usage',
  connectionsTable: 'media-pipeline-connections',
} as const;

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_API_PORT = 4000;
export const DEFAULT_S3_PORT = 4568;
export const DEFAULT_DYNAMODB_PORT = 4569;
export const DEFAULT_SQS_PORT = 4570;
export const DEFAULT_DATA_DIR = '.local-data';
export const DEFAULT_EXPIRE_INTERVAL_SECONDS = 60;
export const DEFAULT_SWEEP_INTERVAL_SECONDS = 60;
export const DEFAULT_STALL_MARGIN_SECONDS = 60;
