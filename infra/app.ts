/**
 * The CDK app (`cdk.json` runs it with tsx). Context: `minsheng:city`, `minsheng:counties`,
 * `minsheng:identity`, optional `minsheng:webOrigins`, and `-c region=<region>`; the account comes
 * from CDK_DEFAULT_ACCOUNT (set by the CLI from the credentials in use), so `cdk synth` works offline.
 */
import { App } from 'aws-cdk-lib';
import { readAppConfig } from './config';
import { buildMinsheng } from './minsheng-app';

const app = new App();
buildMinsheng(app, readAppConfig(app.node), {
  nag: app.node.tryGetContext('minsheng:nag') !== false && app.node.tryGetContext('minsheng:nag') !== 'false',
});
app.synth();
