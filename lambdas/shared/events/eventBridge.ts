import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { eventBridgeEndpoint } from '../config.js';

const localEndpoint = eventBridgeEndpoint();

/** The EventBridge client, created once per container (local mode's stand-in for the bus in local mode). */
export const eventBridge = new EventBridgeClient(localEndpoint ? { endpoint: localEndpoint } : {});
