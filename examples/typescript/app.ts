// Custom::PhoneNumberSettings from a TypeScript CDK app, against the shared provider
// (deploy the PhoneNumberSettingsProvider stack once per account and Region).
// `cdk synth` runs this file with Node's own type stripping: `tsc --noEmit` checks it.
import { App, CfnOutput, CustomResource, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

// The shared provider stack exports its ServiceToken under this name.
const SERVICE_TOKEN_EXPORT = 'PhoneNumberSettings-ServiceToken';
// The shared provider's Lambda timeout, the most an event may wait to start, and its response
// grace: a lost response fails the stack in minutes, not after CloudFormation's default hour.
const SERVICE_TIMEOUT = Duration.seconds(1200);

/** The resource's properties (README, "The resource contract"); at least one detail. */
interface PhoneNumberSettingsProps {
  readonly phoneNumberId: string; // E.164, e.g. +12065550100
  readonly callingName?: string; // 2 to 15 letters, digits or spaces; '' clears it
  readonly productType?: 'VoiceConnector' | 'SipMediaApplicationDialIn' | 'BusinessCalling';
  readonly name?: string; // chime-sdk-voice only; '' clears it
  readonly namespace?: 'chime-sdk-voice' | 'chime';
  readonly region?: string;
  readonly removalPolicy?: RemovalPolicy; // default RETAIN, as the Python construct
}

function phoneNumberSettings(scope: Construct, id: string, props: PhoneNumberSettingsProps) {
  const properties = {
    PhoneNumberId: props.phoneNumberId,
    CallingName: props.callingName,
    ProductType: props.productType,
    Name: props.name,
    Namespace: props.namespace,
    Region: props.region,
  };
  return new CustomResource(scope, id, {
    resourceType: 'Custom::PhoneNumberSettings',
    serviceToken: Fn.importValue(SERVICE_TOKEN_EXPORT),
    serviceTimeout: SERVICE_TIMEOUT,
    // Only the properties given: an absent detail is left alone, not cleared.
    properties: Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== undefined)),
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
  });
}

const app = new App();
const stack = new Stack(app, 'PhoneNumbersTypeScript', {
  description: 'Example: Amazon Chime phone number settings (Custom::PhoneNumberSettings)',
});
const supportLine = phoneNumberSettings(stack, 'SupportLine', {
  phoneNumberId: '+12065550100',
  callingName: 'Acme Support',
  productType: 'SipMediaApplicationDialIn',
  name: 'Support line',
  region: 'us-west-2',
});
// A legacy Amazon Chime number: BusinessCalling exists only there, served from us-east-1.
phoneNumberSettings(stack, 'FrontDesk', {
  phoneNumberId: '+12065550101',
  callingName: 'Acme Front Desk',
  productType: 'BusinessCalling',
  namespace: 'chime',
});
// DESTROY: removing this resource (or the stack) clears the name it set.
phoneNumberSettings(stack, 'CampaignLine', {
  phoneNumberId: '+12065550102',
  name: 'Spring campaign',
  removalPolicy: RemovalPolicy.DESTROY,
});
new CfnOutput(stack, 'SupportLineCallingNameStatus', {
  value: supportLine.getAttString('CallingNameStatus'),
});
app.synth();
