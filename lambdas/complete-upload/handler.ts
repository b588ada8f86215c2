import { httpHandler } from '../shared/http/httpHandler.js';
import { completeUpload } from './completeUpload.js';

export const handler = httpHandler(completeUpload);
