import { describeLayerBinaries } from './layerBinariesSpec.js';

describeLayerBinaries('x86_64');
