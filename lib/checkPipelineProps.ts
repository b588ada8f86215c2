import type { ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import { type RetentionProps, retentionFromProps } from './retentionFromProps.js';

/** A browser's Origin header: a scheme, a host and maybe a port; no path, no trailing slash. */
const ORIGIN = /^https?:\/\/[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

/** The props of `MediaPipeline` this checks: those no construct under it checks itself. */
export interface CheckedPipelineProps {
  readonly corsOrigins?: readonly string[];
  readonly throttle?: ThrottleSettings;
  readonly progress?: { readonly throttle?: ThrottleSettings };
  readonly retention?: RetentionProps;
}

/**
 * Throws at synth, naming the prop and its value, on settings that would otherwise deploy and
 * fail quietly or fail the deploy: an origin the browser never sends (a trailing slash or a path
 * never matches, so CORS fails on every request), throttle limits API Gateway refuses, and
 * retention periods out of range (lib/retentionFromProps.ts).
 */
export function checkPipelineProps(props: CheckedPipelineProps): void {
  if (props.corsOrigins !== undefined) {
    if (props.corsOrigins.length === 0) throw new Error("corsOrigins needs at least one origin (['*'] allows every origin), got []");
    props.corsOrigins.forEach((origin, index) => {
      if (origin !== '*' && !ORIGIN.test(origin)) {
        throw new Error(`corsOrigins[${index}] must be '*' or an origin like https://app.example.com (scheme, lower-case host, port; no path or trailing slash), got '${origin}'`);
      }
    });
  }
  checkThrottle('throttle', props.throttle);
  checkThrottle('progress.throttle', props.progress?.throttle);
  retentionFromProps(props.retention);
}

function checkThrottle(name: string, throttle: ThrottleSettings | undefined): void {
  if (throttle?.rateLimit !== undefined && !(Number.isFinite(throttle.rateLimit) && throttle.rateLimit >= 0)) {
    throw new Error(`${name}.rateLimit must be requests per second, 0 or more, got ${throttle.rateLimit}`);
  }
  if (throttle?.burstLimit !== undefined && !(Number.isInteger(throttle.burstLimit) && throttle.burstLimit >= 0)) {
    throw new Error(`${name}.burstLimit must be a whole number of requests, 0 or more, got ${throttle.burstLimit}`);
  }
}
