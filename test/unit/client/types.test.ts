import { describe, expectTypeOf, it } from 'vitest';
import type * as Client from '../../../client/types.js';
import type { CreatedUpload } from '../../../lambdas/create-upload/createUpload.js';
import type { DownloadLink } from '../../../lambdas/download-upload/downloadUpload.js';
import type { PipelineConfig } from '../../../lambdas/get-config/getConfig.js';
import type { UploadView } from '../../../lambdas/get-upload/getUpload.js';
import type { UploadList } from '../../../lambdas/list-uploads/listUploads.js';
import type { SignedParts } from '../../../lambdas/sign-parts/signParts.js';

// These assertions are checked by `tsc` (part of `npm test`): the client's declared answers
// must accept exactly what each handler returns.
describe('client types', () => {
  it('match the answers the handlers declare', () => {
    expectTypeOf<CreatedUpload>().toEqualTypeOf<Client.CreatedUpload>();
    expectTypeOf<SignedParts>().toEqualTypeOf<Client.SignedParts>();
    expectTypeOf<UploadView>().toExtend<Client.UploadDetails>();
    expectTypeOf<Client.UploadDetails>().toExtend<UploadView>();
    expectTypeOf<UploadList>().toEqualTypeOf<Client.UploadList>();
    expectTypeOf<PipelineConfig>().toEqualTypeOf<Client.PipelineConfig>();
    expectTypeOf<DownloadLink>().toEqualTypeOf<Client.DownloadLink>();
  });
});
