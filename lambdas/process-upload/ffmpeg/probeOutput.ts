import * as z from 'zod/mini';

/** The parts of `ffprobe -print_format json -show_format -show_streams` the pipeline reads. */
const ProbeStream = z.object({
  index: z.number(),
  codec_type: z.optional(z.string()),
  codec_name: z.optional(z.string()),
  profile: z.optional(z.string()),
  width: z.optional(z.number()),
  height: z.optional(z.number()),
  sample_aspect_ratio: z.optional(z.string()),
  r_frame_rate: z.optional(z.string()),
  avg_frame_rate: z.optional(z.string()),
  duration: z.optional(z.string()),
  bit_rate: z.optional(z.string()),
  nb_frames: z.optional(z.string()),
  channels: z.optional(z.number()),
  sample_rate: z.optional(z.string()),
  disposition: z.optional(z.object({ attached_pic: z.optional(z.number()) })),
  tags: z.optional(z.record(z.string(), z.string())),
  side_data_list: z.optional(z.array(z.object({ side_data_type: z.optional(z.string()), rotation: z.optional(z.number()) }))),
});

const ProbeFormat = z.object({
  format_name: z.string(),
  duration: z.optional(z.string()),
  bit_rate: z.optional(z.string()),
  size: z.optional(z.string()),
});

export const ProbeOutput = z.object({
  streams: z._default(z.array(ProbeStream), []),
  format: ProbeFormat,
});

export type ProbeStream = z.infer<typeof ProbeStream>;
export type ProbeOutput = z.infer<typeof ProbeOutput>;
