/**
 * The live-progress WebSocket API's functions: the CDK stack (lib/ProgressApi.ts) builds its
 * routes, authorizer and publisher from this table, and local mode's gateway serves the same
 * route keys with the same handler modules, so the two cannot drift.
 */
import { BY_CONNECTION_INDEX } from '../lambdas/shared/progress/subscriptionKeys.js';
import type { ItemOperation, TableAccess } from './PipelineFunction.js';
import { BY_UNFINISHED_OWNER_INDEX } from './uploadsTableSchema.js';

/** What a live-progress function does with the Connections table (lib/connectionsTableSchema.ts). */
export interface ConnectionsAccess {
  /** Item operations by primary key (topic + connection). @default [] */
  readonly items?: readonly ItemOperation[];
  /** Query the table itself, by topic: every subscriber of an upload or of an owner. @default false */
  readonly queryTopics?: boolean;
  /** Indexes it queries (`byConnection`: a connection's subscriptions). @default [] */
  readonly queries?: readonly string[];
}

export interface WebSocketFunctionAccess {
  /** @default - none, no `UPLOADS_TABLE` */
  readonly uploadsTable?: TableAccess;
  /** Every `transition` settles the owner's usage counters. @default - none, no `USAGE_TABLE` */
  readonly usageTable?: readonly ItemOperation[];
  /** @default - none, no `CONNECTIONS_TABLE` */
  readonly connectionsTable?: ConnectionsAccess;
  /**
   * Posts to (and closes) connections through the management API: `execute-api:ManageConnections`
   * on this API's stage only, and `WEBSOCKET_CALLBACK_URL`.
   * @default false
   */
  readonly manageConnections?: boolean;
}

export type WebSocketRouteKey = '$connect' | '$disconnect' | '$default';

export interface WebSocketFunctionDefinition {
  /** Stable PascalCase id for the construct. */
  readonly id: string;
  /** Folder under `lambdas/` whose `handler.ts` exports `handler`. */
  readonly handler: string;
  readonly description: string;
  readonly access: WebSocketFunctionAccess;
}

export interface WebSocketRouteDefinition extends WebSocketFunctionDefinition {
  readonly routeKey: WebSocketRouteKey;
}

/**
 * Every client message goes to `$default`, which reads the action itself: a message that is not
 * JSON, or names no known action, gets `INVALID_MESSAGE` from our code rather than API
 * Gateway's own answer.
 */
export const WEBSOCKET_ROUTES: readonly WebSocketRouteDefinition[] = [
  {
    id: 'Connect',
    routeKey: '$connect',
    handler: 'ws-connect',
    description: 'Accepts an authorized WebSocket connection (at most 20 per user) and echoes the media-pipeline.v1 subprotocol',
    // Counts the owner's live connections (a Query of their connections topic) and adds this one;
    // at the limit asks API Gateway which of them it still holds and stops counting the others.
    access: { connectionsTable: { items: ['put', 'delete'], queryTopics: true }, manageConnections: true },
  },
  {
    id: 'Disconnect',
    routeKey: '$disconnect',
    handler: 'ws-disconnect',
    description: "Removes a closed connection's subscriptions",
    access: { connectionsTable: { items: ['delete'], queries: [BY_CONNECTION_INDEX] } },
  },
  {
    id: 'Message',
    routeKey: '$default',
    handler: 'ws-message',
    description: "Subscribes, unsubscribes, records the uploader's bytes sent and answers pings",
    // Reads the upload (and the owner's unfinished ones) for the snapshot; writes bytesSent
    // through `transition`, which settles usage; answers on the connection itself.
    access: {
      uploadsTable: { items: ['get', 'batchGet', 'update'], queries: [BY_UNFINISHED_OWNER_INDEX] },
      usageTable: ['get', 'update'],
      // Conditional writes of the subscription and of the connection's slot count (ws-message/subscriptionSlots.ts).
      connectionsTable: { items: ['put', 'update', 'delete'] },
      manageConnections: true,
    },
  },
];

/** The REQUEST authorizer of `$connect`: verifies the HTTP API's JWTs, from a subprotocol or `?token=`. */
export const WEBSOCKET_AUTHORIZER_FUNCTION: WebSocketFunctionDefinition = {
  id: 'Authorize',
  handler: 'ws-authorize',
  description: 'Verifies the JWT of a WebSocket connection (subprotocol bearer.<JWT> or ?token=)',
  access: {},
};

/**
 * Fed by the Uploads table's stream (NEW_IMAGE): every write of a record, by any function, is
 * posted to the subscribers of that upload and of its owner. Local mode feeds it the same
 * stream records from the `onStateChange` seam.
 */
export const PUBLISH_PROGRESS_FUNCTION: WebSocketFunctionDefinition = {
  id: 'PublishProgress',
  handler: 'publish-progress',
  description: 'Posts every write of an upload record to its subscribers; removes gone connections',
  access: {
    connectionsTable: { items: ['delete'], queryTopics: true, queries: [BY_CONNECTION_INDEX] },
    manageConnections: true,
  },
};
