import { escapeXml, type S3ErrorInfo } from './s3ErrorXml.js';
import type { S3rverObjectStore } from './S3rverObjectStore.js';

const ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
type ObjectAttribute = (typeof ATTRIBUTES)[number];

export type AttributesAnswer = { readonly xml: string; readonly lastModified: Date } | { readonly error: S3ErrorInfo };

/**
 * Serves GetObjectAttributes (`GET /<bucket>/<key>?attributes`, the attributes named in
 * `x-amz-object-attributes`), which s3rver 3.7.1 does not know (it answers the object's bytes).
 * `Checksum` is the FULL_OBJECT CRC-32C CompleteMultipartUpload verified, absent for an object
 * completed without one, as S3 leaves it out for an object stored without a checksum. The parts
 * of a completed object are not kept, so `ObjectParts` is refused (501) rather than answered wrong.
 */
export async function getObjectAttributes(
  objects: S3rverObjectStore,
  bucket: string,
  key: string,
  attributesHeader: string | undefined,
): Promise<AttributesAnswer> {
  const asked = (attributesHeader ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = asked.find((name) => !(ATTRIBUTES as readonly string[]).includes(name));
  if (asked.length === 0 || unknown !== undefined) {
    return {
      error: {
        status: 400,
        code: 'InvalidArgument',
        message: asked.length === 0 ? 'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty' : 'Invalid attribute name specified.',
        detail: { ArgumentName: 'x-amz-object-attributes', ArgumentValue: attributesHeader ?? '' },
      },
    };
  }
  const wanted = new Set(asked as ObjectAttribute[]);
  if (wanted.has('ObjectParts')) {
    return {
      error: {
        status: 501,
        code: 'NotImplemented',
        message: "Local mode's S3 emulator keeps no parts of a completed object: ask for ETag, Checksum, StorageClass or ObjectSize",
        detail: { Header: 'x-amz-object-attributes' },
      },
    };
  }

  const object = await objects.get(bucket, key);
  if (object === undefined) return { error: { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.', detail: { Key: key } } };
  const checksum =
    object.checksumCRC32C === undefined
      ? ''
      : `<Checksum><ChecksumCRC32C>${escapeXml(object.checksumCRC32C)}</ChecksumCRC32C><ChecksumType>FULL_OBJECT</ChecksumType></Checksum>`;
  return {
    lastModified: object.lastModified,
    xml:
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<GetObjectAttributesResponse xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      (wanted.has('ETag') ? `<ETag>${escapeXml(object.etag.replace(/"/g, ''))}</ETag>` : '') +
      (wanted.has('Checksum') ? checksum : '') +
      (wanted.has('StorageClass') ? '<StorageClass>STANDARD</StorageClass>' : '') +
      (wanted.has('ObjectSize') ? `<ObjectSize>${object.size}</ObjectSize>` : '') +
      '</GetObjectAttributesResponse>',
  };
}
