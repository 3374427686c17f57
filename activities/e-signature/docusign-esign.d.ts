/** The part of DocuSign's `docusign-esign` SDK (which ships no types) that officeflow calls: see its README. */
declare module 'docusign-esign' {
  export interface OAuthToken {
    body: { access_token: string; expires_in: number; token_type: string };
  }
  export interface UserInfoAccount {
    accountId: string;
    /** `"true"` for the user's default account. */
    isDefault: string;
    accountName?: string;
    /** The account's API server, e.g. `https://demo.docusign.net`, without `/restapi`. */
    baseUri: string;
  }
  export interface UserInfo {
    sub: string;
    accounts: UserInfoAccount[];
  }
  export class ApiClient {
    constructor(options?: { basePath?: string; oAuthBasePath?: string });
    setBasePath(basePath: string): void;
    setOAuthBasePath(oAuthBasePath: string): void;
    addDefaultHeader(name: string, value: string): void;
    requestJWTUserToken(
      clientId: string,
      userId: string,
      scopes: string[],
      rsaPrivateKey: Buffer | string,
      expiresIn: number,
    ): Promise<OAuthToken>;
    getUserInfo(accessToken: string): Promise<UserInfo>;
  }

  export interface TextCustomField {
    name: string;
    value: string;
    show?: string;
    required?: string;
  }
  export interface EnvelopeDefinition {
    emailSubject: string;
    emailBlurb?: string;
    documents: Array<{ documentBase64: string; name: string; fileExtension: string; documentId: string }>;
    recipients: {
      signers: Array<{
        email: string;
        name: string;
        recipientId: string;
        routingOrder: string;
        tabs?: { signHereTabs: Array<{ anchorString: string; anchorUnits?: string; anchorYOffset?: string }> };
      }>;
    };
    customFields?: { textCustomFields: TextCustomField[] };
    status: 'sent' | 'created';
  }
  export interface EnvelopeSummary {
    envelopeId: string;
    status: string;
    statusDateTime?: string;
    uri?: string;
  }
  export interface Envelope {
    envelopeId: string;
    status: string;
    completedDateTime?: string;
    customFields?: { textCustomFields?: TextCustomField[] };
  }
  export class EnvelopesApi {
    constructor(apiClient: ApiClient);
    createEnvelope(accountId: string, options: { envelopeDefinition: EnvelopeDefinition }): Promise<EnvelopeSummary>;
    getEnvelope(accountId: string, envelopeId: string, options?: object): Promise<Envelope>;
    /** Changes an envelope: `{ envelope: { status: 'sent' } }` sends a draft. */
    update(accountId: string, envelopeId: string, options: { envelope: { status: 'sent' } }): Promise<object>;
    /** The document as bytes: `combined` (every document, signed), `certificate` (the certificate of completion), or an id. */
    getDocument(accountId: string, envelopeId: string, documentId: string, options?: object): Promise<Buffer>;
  }
}
