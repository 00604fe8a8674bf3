import { SecretValue, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * How Secrets Manager generates the webhook signing secret, once, at first deploy. NEVER CHANGE THIS:
 * CloudFormation regenerates a secret whose generation settings change, Fivetran keeps signing with the
 * old value, and every delivery fails with 401 until someone notices. (A test pins it.)
 * 64 letters and digits: no punctuation, so the value can never contain the comma that separates
 * current from previous secret during a rotation.
 */
export const WEBHOOK_SECRET_GENERATION = {
  passwordLength: 64,
  excludePunctuation: true,
  includeSpace: false,
} as const;

/**
 * The API credential's shape, with no value: the operator fills it after deploy. Also never change it:
 * a changed template value would overwrite the operator's credential on the next deploy.
 */
export const API_CREDENTIAL_PLACEHOLDER = { apiKey: '', apiSecret: '' } as const;

/** The two secrets, split so each function can read only the one it needs. */
export class FivetranSecrets extends Construct {
  /** `{"apiKey":"…","apiSecret":"…"}`: read by the sweep (and the CLI's `--secret-id`). */
  readonly apiCredential: Secret;
  /** `current[,previous]`: read by the webhook function. */
  readonly webhookSigningSecret: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.apiCredential = new Secret(this, 'ApiCredential', {
      description:
        'Fivetran API key and secret as {"apiKey":"…","apiSecret":"…"}; empty until the operator fills it (see the operator guide).',
      secretObjectValue: {
        apiKey: SecretValue.unsafePlainText(API_CREDENTIAL_PLACEHOLDER.apiKey),
        apiSecret: SecretValue.unsafePlainText(API_CREDENTIAL_PLACEHOLDER.apiSecret),
      },
    });
    Validations.of(this.apiCredential).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'No automatic rotation: the value is a Fivetran API key that only Fivetran can issue (generating a new key in Fivetran disables the old one), so a Secrets Manager rotation Lambda cannot mint it. The operator guide gives the replacement steps.',
    });

    this.webhookSigningSecret = new Secret(this, 'WebhookSigningSecret', {
      description:
        'Fivetran webhook signing secret: "current" or "current,previous" during a rotation. Generated once by Secrets Manager.',
      generateSecretString: { ...WEBHOOK_SECRET_GENERATION },
    });
    Validations.of(this.webhookSigningSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'No automatic rotation: a new value must also be registered on the Fivetran webhook, and events signed with the old value must keep verifying meanwhile. "fivetran-metadata webhook rotate-secret" does both (old and new accepted until --finish); a Secrets Manager rotation Lambda would break deliveries.',
    });
  }
}
