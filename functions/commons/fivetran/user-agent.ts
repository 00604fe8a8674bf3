import packageJson from '../../../package.json' with { type: 'json' };

/** Names the product and version to Fivetran, so the account owner can tell our requests apart. */
export const USER_AGENT = `fivetran-metadata/${packageJson.version}`;
