import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/**
 * The value CloudFront sends the API in its origin header, read once per container from Secrets
 * Manager (the template holds only the secret's ARN). A failed read is tried again on the next request.
 */
export function originSecretFrom(secretArn: string): () => Promise<string> {
  let value: Promise<string> | undefined;
  return () => {
    value ??= new SecretsManagerClient({})
      .send(new GetSecretValueCommand({ SecretId: secretArn }))
      .then((result) => result.SecretString ?? "");
    value.catch(() => {
      value = undefined;
    });
    return value;
  };
}
