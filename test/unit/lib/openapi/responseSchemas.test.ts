import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { CompanionAbortAnswer } from '../../../../lambdas/companion-abort/companionAbort.js';
import type { CompanionCompleted } from '../../../../lambdas/companion-complete/companionComplete.js';
import type { CompanionCreated } from '../../../../lambdas/companion-create/companionCreate.js';
import type { CompanionUploadParameters } from '../../../../lambdas/companion-params/companionParams.js';
import type { CompanionPart } from '../../../../lambdas/companion-list-parts/companionListParts.js';
import type { CompanionSignedPart } from '../../../../lambdas/companion-sign-part/companionSignPart.js';
import type { CompanionSignedParts } from '../../../../lambdas/companion-sign-parts/companionSignParts.js';
import type { CreatedUpload } from '../../../../lambdas/create-upload/createUpload.js';
import type { DownloadLink } from '../../../../lambdas/download-upload/downloadUpload.js';
import type { PipelineConfig } from '../../../../lambdas/get-config/getConfig.js';
import type { UploadView } from '../../../../lambdas/get-upload/getUpload.js';
import type { UploadList } from '../../../../lambdas/list-uploads/listUploads.js';
import type { PublicUpload } from '../../../../lambdas/shared/uploadRecord.js';
import type { SignedParts } from '../../../../lambdas/sign-parts/signParts.js';
import type {
  companionCompletedSchema,
  companionCreatedSchema,
  companionEmptySchema,
  companionPartsSchema,
  companionSignedPartSchema,
  companionSignedPartsSchema,
  companionUploadParametersSchema,
  createdUploadSchema,
  downloadLinkSchema,
  pipelineConfigSchema,
  publicUploadSchema,
  signedPartsSchema,
  uploadListSchema,
  uploadViewSchema,
} from '../../../../lib/openapi/responseSchemas.js';

/** The handlers' types say `readonly`; what a schema parses is mutable. Nothing else may differ. */
type Writable<T> = T extends readonly (infer Item)[]
  ? Writable<Item>[]
  : T extends object
    ? { -readonly [Key in keyof T]: Writable<T[Key]> }
    : T;

// Checked by `tsc` (part of `npm test`): a field added, removed, renamed, made optional or
// retyped on either side fails to compile.
describe('response schemas', () => {
  it('describe exactly what each handler declares it answers', () => {
    expectTypeOf<z.output<typeof publicUploadSchema>>().toEqualTypeOf<Writable<PublicUpload>>();
    expectTypeOf<z.output<typeof createdUploadSchema>>().toEqualTypeOf<Writable<CreatedUpload>>();
    expectTypeOf<z.output<typeof signedPartsSchema>>().toEqualTypeOf<Writable<SignedParts>>();
    expectTypeOf<z.output<typeof uploadViewSchema>>().toEqualTypeOf<Writable<UploadView>>();
    expectTypeOf<z.output<typeof downloadLinkSchema>>().toEqualTypeOf<Writable<DownloadLink>>();
    expectTypeOf<z.output<typeof uploadListSchema>>().toEqualTypeOf<Writable<UploadList>>();
    expectTypeOf<z.output<typeof pipelineConfigSchema>>().toEqualTypeOf<Writable<PipelineConfig>>();
    expectTypeOf<z.output<typeof companionCreatedSchema>>().toEqualTypeOf<Writable<CompanionCreated>>();
    expectTypeOf<z.output<typeof companionSignedPartSchema>>().toEqualTypeOf<Writable<CompanionSignedPart>>();
    expectTypeOf<z.output<typeof companionSignedPartsSchema>>().toEqualTypeOf<Writable<CompanionSignedParts>>();
    expectTypeOf<z.output<typeof companionPartsSchema>>().toEqualTypeOf<Writable<CompanionPart[]>>();
    expectTypeOf<z.output<typeof companionCompletedSchema>>().toEqualTypeOf<Writable<CompanionCompleted>>();
    expectTypeOf<z.output<typeof companionUploadParametersSchema>>().toEqualTypeOf<Writable<CompanionUploadParameters>>();
    expectTypeOf<z.output<typeof companionEmptySchema>>().toEqualTypeOf<Writable<CompanionAbortAnswer>>();
  });
});
