// The construct package's entry (packages/construct): the pipeline, its stack, and the capability constructs it composes.
export { Auth, type AuthProps, type CreatedUserPoolAuth, type ExternalJwtAuth, type UserPoolAuthOptions } from './Auth.js';
export { Cdn, type CdnProps } from './Cdn.js';
export { DemoPage, type DemoPageProps } from './DemoPage.js';
export { FfmpegLayer, type FfmpegLayerProps } from './FfmpegLayer.js';
export { MalwareScan, type MalwareScanProps } from './MalwareScan.js';
export { type MediaConvertProps, MediaConvertTranscoder } from './MediaConvertTranscoder.js';
export { MediaPipeline, type MediaPipelineProcessingProps, type MediaPipelineProgressProps, type MediaPipelineProps } from './MediaPipeline.js';
export { MediaPipelineStack, type MediaPipelineStackProps } from './MediaPipelineStack.js';
export { PipelineFunction, type PipelineFunctionProps } from './PipelineFunction.js';
export { Processing, type ProcessingProps } from './Processing.js';
export { ProgressApi, type ProgressApiProps } from './ProgressApi.js';
export { Storage, type StorageProps } from './Storage.js';
export { UploadApi, type UploadApiProps } from './UploadApi.js';
export { UploadExpiry, type UploadExpiryProps } from './UploadExpiry.js';
export { UploadSweep, type UploadSweepSettingsProps } from './UploadSweep.js';
export type { UploadPolicyProps } from './uploadPolicyFromProps.js';
