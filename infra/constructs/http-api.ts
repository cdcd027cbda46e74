import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { StackKind } from '../../functions/registry';
import type { RouteSpec } from '../../functions/routes';
import type { MinshengFunction } from './function';

/** Who may call the API: the JWT issuer and the accepted audiences (client ids). */
export interface JwtIssuer {
  /** Exactly the `iss` claim, e.g. `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  readonly issuer: string;
  readonly audience: readonly string[];
}

/** Properties of {@link MinshengHttpApi}. */
export interface MinshengHttpApiProps {
  /** Which routes of the table belong to this API. */
  readonly kind: StackKind;
  readonly routes: readonly RouteSpec[];
  /** Functions of this stack by id. */
  readonly functions: ReadonlyMap<string, MinshengFunction>;
  readonly jwt: JwtIssuer;
  /** Origins the browser app is served from (CORS). */
  readonly corsOrigins: readonly string[];
  /**
   * Default-stage throttling for every route. A county has at most a few hundred users; the limit
   * protects the table and the account's Lambda concurrency from a runaway client.
   * @default { rateLimit: 50, burstLimit: 100 }
   */
  readonly throttle?: apigw.ThrottleSettings;
  /**
   * Retention of the access log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /** Encrypts the access log group. @default CloudWatch Logs' own encryption */
  readonly logKey?: kms.IKey;
}

/** A route that names a function this stack does not deploy. */
export class RouteWiringError extends Error {
  override readonly name = 'RouteWiringError';
  readonly code = 'ROUTE_WIRING';
}

/** `GET /tasks/{id}` -> `GetTasksId`: a stable construct id per route. */
export function routeConstructId(r: Pick<RouteSpec, 'method' | 'path'>): string {
  const parts = r.path
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1));
  return `${r.method[0]}${r.method.slice(1).toLowerCase()}${parts.join('') || 'Root'}`;
}

/**
 * An HTTP API (payload format 2.0) with the routes of `functions/routes.ts` for one stack kind, each
 * behind the JWT authorizer unless the route says `auth: 'none'`; CORS for the web origins; a
 * `$default` stage with JSON access logs and throttling.
 */
export class MinshengHttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly authorizer: HttpJwtAuthorizer;
  readonly accessLogs: logs.LogGroup;
  /** Routes by `METHOD path`. */
  readonly routes: ReadonlyMap<string, apigw.HttpRoute>;

  constructor(scope: Construct, id: string, props: MinshengHttpApiProps) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Api', {
      description: `Minsheng ${props.kind} API`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...props.corsOrigins],
        allowMethods: [
          apigw.CorsHttpMethod.GET,
          apigw.CorsHttpMethod.POST,
          apigw.CorsHttpMethod.PUT,
          apigw.CorsHttpMethod.PATCH,
          apigw.CorsHttpMethod.DELETE,
          apigw.CorsHttpMethod.OPTIONS,
        ],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match'],
        exposeHeaders: ['etag', 'location'],
        maxAge: Duration.hours(1),
      },
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logKey,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integration.latency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            user: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });
    this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwt.issuer, {
      jwtAudience: [...props.jwt.audience],
    });
    const integrations = new Map<string, HttpLambdaIntegration>();
    const routes = new Map<string, apigw.HttpRoute>();
    for (const spec of props.routes.filter((r) => r.api === props.kind)) {
      const fn = props.functions.get(spec.fn);
      if (!fn) {
        throw new RouteWiringError(
          `route ${spec.method} ${spec.path} targets ${spec.fn}, which the ${props.kind} stack does not deploy`,
        );
      }
      let integration = integrations.get(spec.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${spec.fn}Integration`, fn.function);
        integrations.set(spec.fn, integration);
      }
      const route = new apigw.HttpRoute(this, `Route${routeConstructId(spec)}`, {
        httpApi: this.api,
        routeKey: apigw.HttpRouteKey.with(spec.path, apigw.HttpMethod[spec.method]),
        integration,
        authorizer: spec.auth === 'none' ? new apigw.HttpNoneAuthorizer() : this.authorizer,
      });
      if (spec.auth === 'none') {
        NagSuppressions.addResourceSuppressions(route, [
          {
            id: 'AwsSolutions-APIG4',
            reason: `${spec.method} ${spec.path} is declared auth 'none' in functions/routes.ts, the reviewed route table: it must answer callers that hold no token yet (liveness, sign-in, public disclosure).`,
          },
        ]);
      }
      routes.set(`${spec.method} ${spec.path}`, route);
    }
    this.routes = routes;
  }

  /** The invoke URL of the `$default` stage (ends with `/`). */
  get url(): string {
    return this.stage.url;
  }
}
