import { httpHandler } from '../shared/http/httpHandler.js';
import { deleteUpload } from './deleteUpload.js';

export const handler = httpHandler(deleteUpload);
