/**
 * The web app's `/config.json` document, built in one place for both places that serve it: the
 * local twin's gateway and the CDK WebConfig construct, so the two shapes cannot drift apart.
 */
import orgUnits from './org-units.json';

/** An org unit's display names: `name` (zh) and `nameEn`. */
export interface OrgName {
  id: string;
  name: string;
  nameEn: string;
}

/** `GET /config.json`: where the APIs are, how to sign in, and what to call the org units. */
export interface WebConfigDocument<Auth = unknown> {
  cityApi: string;
  counties: { code: string; name: string; api: string }[];
  auth: Auth;
  /** The city office and the lead departments, so pages show `医疗保障局` instead of `dept_yb`. */
  orgs: OrgName[];
}

/** The city-level org units with their names (the repo's org-units file). */
export function orgNames(): OrgName[] {
  return orgUnits.orgs.map((o) => ({ id: o.id, name: o.name, nameEn: o.nameEn }));
}

/** Builds the config document; API bases lose a trailing `/` (the web app joins paths onto them). */
export function webConfigDocument<Auth>(input: {
  cityApi: string;
  counties: readonly { code: string; name: string; api: string }[];
  auth: Auth;
}): WebConfigDocument<Auth> {
  const base = (url: string) => url.replace(/\/$/, '');
  return {
    cityApi: base(input.cityApi),
    counties: input.counties.map((c) => ({ code: c.code, name: c.name, api: base(c.api) })),
    auth: input.auth,
    orgs: orgNames(),
  };
}
