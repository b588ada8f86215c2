import { describeLayerBinaries } from './layerBinariesSpec.js';

/** Under qemu-user-static on an x86_64 machine: correctness only, no speed. */
describeLayerBinaries('arm64');
