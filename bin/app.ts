import { App } from 'aws-cdk-lib';
import { buildPipelineApp } from '../lib/buildPipelineApp.js';

buildPipelineApp(new App());
