import { openSync, readSync, closeSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as timing from '../../infra/timing';
import { computeBackoffSeconds } from '../../lib/backoff';
import { loadConfig } from '../../lib/config';
import {
  FUNCTION_NAMES,
  PACKAGE_TIMEOUT_MS,
  functionLogicalId,
  packageService,
  type CfnTemplate,
  type FunctionName,
  type PackagedService,
} from './package-service';

interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const ROLE_OF: Record<FunctionName, string> = {
  push: 'PushRole',
  preload: 'PreloadRole',
  link: 'LinkRole',
  ingest: 'IngestRole',
  worker: 'WorkerRole',
};

const SECRET_PARAMETERS = {
  plugnmeet: '/pnm-bridge/test/plugnmeet-api-secret',
  bridge: '/pnm-bridge/test/bridge-api-secret',
  link: '/pnm-bridge/test/link-signing-secret',
};

/**
 * Renders a CloudFormation value as text: `Fn::Sub` strings as written, `Ref` as `${Name}`,
 * `Fn::GetAtt` as `${Name.Attribute}` and `Fn::Join` by joining its rendered parts.
 */
function renderValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const intrinsic = value as Record<string, unknown>;
    if (typeof intrinsic['Fn::Sub'] === 'string') return intrinsic['Fn::Sub'];
    if (typeof intrinsic.Ref === 'string') return `\${${intrinsic.Ref}}`;
    const getAtt = intrinsic['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `\${${getAtt.join('.')}}`;
    const join = intrinsic['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) return (join[1] as unknown[]).map(renderValue).join(String(join[0]));
  }
  return JSON.stringify(value);
}

function toList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function statementsOf(template: CfnTemplate, roleId: string): PolicyStatement[] {
  const role = template.Resources[roleId];
  expect(role, `role ${roleId}`).toBeDefined();
  const policies = (role?.Properties.Policies ?? []) as { PolicyDocument: { Statement: PolicyStatement[] } }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

function roleIds(template: CfnTemplate): string[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .map(([id]) => id);
}

/** Returns the rendered resources of every Allow statement in `roleId` that grants `action`. */
function resourcesGranting(template: CfnTemplate, roleId: string, action: string): string[] {
  return statementsOf(template, roleId)
    .filter((statement) => statement.Effect === 'Allow' && toList(statement.Action).includes(action))
    .flatMap((statement) => toList(statement.Resource).map(renderValue));
}

function actionsOf(template: CfnTemplate, roleId: string): string[] {
  return statementsOf(template, roleId).flatMap((statement) => toList(statement.Action));
}

function environmentOf(template: CfnTemplate, name: FunctionName): Record<string, unknown> {
  const environment = template.Resources[functionLogicalId(name)]?.Properties.Environment as { Variables: Record<string, unknown> };
  return environment.Variables;
}

function parameterArn(name: string): string {
  return `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}`;
}

function readMagic(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(4);
    readSync(fd, buffer, 0, 4, 0);
    return buffer.toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** Checks that every S3, SQS and SSM grant of every role names its resources; shared by both bucket modes. */
function expectScopedGrants(template: CfnTemplate, bucket: string, prefixes: readonly string[]): void {
  for (const roleId of roleIds(template)) {
    for (const statement of statementsOf(template, roleId)) {
      const actions = toList(statement.Action);
      const resources = toList(statement.Resource).map(renderValue);
      const where = `${roleId} ${actions.join(',')}`;
      if (actions.some((action) => /^(s3|sqs|ssm):/.test(action))) {
        expect(resources, where).not.toContain('*');
      }
      for (const resource of resources) {
        if (actions.some((action) => action.startsWith('s3:'))) {
          const isUploads = prefixes.some((prefix) => resource === `arn:\${AWS::Partition}:s3:::${bucket}/${prefix}*`);
          const isUploadsBucket = resource === `arn:\${AWS::Partition}:s3:::${bucket}`;
          const isDeliveryState = resource.startsWith('${DeliveryStateBucket.Arn}');
          expect(isUploads || isUploadsBucket || isDeliveryState, `${where} on ${resource}`).toBe(true);
        }
        if (actions.some((action) => action.startsWith('sqs:'))) {
          expect(['${UploadQueue.Arn}', '${FailureQueue.Arn}'], `${where} on ${resource}`).toContain(resource);
        }
        if (actions.some((action) => action.startsWith('ssm:'))) {
          expect(Object.values(SECRET_PARAMETERS).map(parameterArn), `${where} on ${resource}`).toContain(resource);
        }
      }
    }
  }
}

describe('deploy template with a stack-created uploads bucket', () => {
  let packaged: PackagedService;
  let template: CfnTemplate;

  beforeAll(async () => {
    packaged = await packageService();
    template = packaged.template;
  }, PACKAGE_TIMEOUT_MS);

  afterAll(() => packaged?.cleanUp());

  it('declares a FIFO upload queue with a FIFO dead-letter queue', () => {
    // Prepare
    const { UploadQueue: uploadQueue, FailureQueue: failureQueue } = template.Resources;

    // Assess
    expect(uploadQueue).toMatchObject({
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: 'pnm-bridge-test-uploads.fifo',
        FifoQueue: true,
        ContentBasedDeduplication: false,
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
        MessageRetentionPeriod: timing.UPLOAD_QUEUE_RETENTION_SECONDS,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': ['FailureQueue', 'Arn'] },
          maxReceiveCount: timing.MAX_RECEIVE_COUNT,
        },
      },
    });
    expect(failureQueue).toMatchObject({
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: 'pnm-bridge-test-failures.fifo',
        FifoQueue: true,
        ContentBasedDeduplication: false,
        MessageRetentionPeriod: timing.FAILURE_QUEUE_RETENTION_SECONDS,
      },
    });
  });

  it('keeps maxReceiveCount within the SQS limit', () => {
    // Act
    const redrive = template.Resources.UploadQueue?.Properties.RedrivePolicy as { maxReceiveCount: number };

    // Assess
    expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(1);
    expect(redrive.maxReceiveCount).toBeLessThanOrEqual(timing.SQS_MAX_RECEIVE_COUNT);
  });

  it('keeps the visibility timeout at six worker timeouts or more', () => {
    // Prepare
    const visibility = template.Resources.UploadQueue?.Properties.VisibilityTimeout as number;
    const workerTimeout = template.Resources.WorkerLambdaFunction?.Properties.Timeout as number;

    // Assess
    expect(workerTimeout).toBe(timing.WORKER_TIMEOUT_SECONDS);
    expect(visibility).toBe(timing.VISIBILITY_TIMEOUT_SECONDS);
    expect(visibility).toBeGreaterThanOrEqual(6 * workerTimeout);
    expect(visibility).toBeLessThanOrEqual(timing.SQS_MAX_VISIBILITY_TIMEOUT_SECONDS);
  });

  it('reports batch item failures from the worker mapping', () => {
    // Prepare
    const mappings = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::EventSourceMapping');

    // Assess
    expect(mappings).toHaveLength(1);
    expect(mappings[0]).toMatchObject({
      Properties: {
        EventSourceArn: { 'Fn::GetAtt': ['UploadQueue', 'Arn'] },
        FunctionName: { 'Fn::GetAtt': ['WorkerLambdaFunction', 'Arn'] },
        BatchSize: timing.WORKER_BATCH_SIZE,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: timing.WORKER_MAX_CONCURRENCY },
      },
    });
  });

  it('filters the bucket notification by the uploads prefix', () => {
    // Prepare
    const bucket = template.Resources.S3BucketUploads;

    // Assess
    expect(bucket).toMatchObject({
      Type: 'AWS::S3::Bucket',
      DeletionPolicy: 'Retain',
      Properties: {
        BucketName: 'pnm-bridge-test-uploads',
        NotificationConfiguration: {
          LambdaConfigurations: [
            {
              Event: 's3:ObjectCreated:*',
              Function: { 'Fn::GetAtt': ['IngestLambdaFunction', 'Arn'] },
              Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'rooms/' }] } },
            },
          ],
        },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      },
    });
  });

  it('gives each function its own role', () => {
    // Act
    const roles = FUNCTION_NAMES.map((name) => template.Resources[functionLogicalId(name)]?.Properties.Role);

    // Assess
    expect(roles).toStrictEqual(FUNCTION_NAMES.map((name) => ({ 'Fn::GetAtt': [ROLE_OF[name], 'Arn'] })));
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it('scopes S3, SQS and SSM statements to named resources', () => {
    expectScopedGrants(template, 'pnm-bridge-test-uploads', ['rooms/', 'files/']);
  });

  it('lets every function read only the drop folder and the files prefix', () => {
    for (const name of FUNCTION_NAMES) {
      // Act
      const reads = resourcesGranting(template, ROLE_OF[name], 's3:GetObject').filter((arn) => !arn.startsWith('${DeliveryStateBucket'));

      // Assess: the ingest reads only the drop folder, whose objects it queues.
      const prefixes = name === 'ingest' ? ['rooms/'] : ['rooms/', 'files/'];
      expect(reads, name).toStrictEqual(prefixes.map((prefix) => `arn:\${AWS::Partition}:s3:::pnm-bridge-test-uploads/${prefix}*`));
      expect(resourcesGranting(template, ROLE_OF[name], 's3:GetObjectVersion'), name).toStrictEqual(reads);
    }
  });

  it('lets only the worker use the queue as a consumer', () => {
    for (const name of FUNCTION_NAMES) {
      // Act
      const actions = actionsOf(template, ROLE_OF[name]);

      // Assess
      for (const action of ['sqs:ChangeMessageVisibility', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']) {
        expect(actions.includes(action), `${name} ${action}`).toBe(name === 'worker');
      }
    }
    expect(resourcesGranting(template, 'WorkerRole', 'sqs:ChangeMessageVisibility')).toStrictEqual(['${UploadQueue.Arn}']);
  });

  it('lets ingest and preload send to the upload queue', () => {
    // Assess
    expect(resourcesGranting(template, 'IngestRole', 'sqs:SendMessage')).toStrictEqual(['${UploadQueue.Arn}']);
    expect(resourcesGranting(template, 'PreloadRole', 'sqs:SendMessage')).toStrictEqual(['${UploadQueue.Arn}']);
    expect(resourcesGranting(template, 'PushRole', 'sqs:SendMessage')).toStrictEqual([]);
    expect(resourcesGranting(template, 'LinkRole', 'sqs:SendMessage')).toStrictEqual([]);
  });

  it('lets the worker write failure records', () => {
    expect(resourcesGranting(template, 'WorkerRole', 'sqs:SendMessage')).toStrictEqual(['${FailureQueue.Arn}']);
  });

  it('limits the delivery-state bucket to the link and the worker', () => {
    // Prepare: the key layout of lib/delivery-state.ts under DELIVERY_STATE_PREFIX.
    const records = '${DeliveryStateBucket.Arn}/deliveries/';

    // Assess
    expect(resourcesGranting(template, 'LinkRole', 's3:PutObject')).toStrictEqual([`${records}downloaded/*`]);
    expect(resourcesGranting(template, 'WorkerRole', 's3:PutObject')).toStrictEqual([`${records}timed-out/*`]);
    expect(resourcesGranting(template, 'WorkerRole', 's3:GetObject')).toContain(`${records}*`);
    expect(resourcesGranting(template, 'LinkRole', 's3:GetObject')).not.toContain(`${records}*`);
    expect(resourcesGranting(template, 'WorkerRole', 's3:ListBucket')).toContain('${DeliveryStateBucket.Arn}');
    for (const name of ['push', 'preload', 'ingest'] as const) {
      const grants = statementsOf(template, ROLE_OF[name]).flatMap((statement) => toList(statement.Resource).map(renderValue));
      expect(grants.some((arn) => arn.includes('DeliveryStateBucket')), name).toBe(false);
    }
  });

  it('lets readers list the uploads bucket only under its prefix', () => {
    for (const name of FUNCTION_NAMES) {
      // Act
      const listing = statementsOf(template, ROLE_OF[name]).filter(
        (statement) =>
          toList(statement.Action).includes('s3:ListBucket') &&
          toList(statement.Resource).map(renderValue).some((arn) => arn.endsWith('-uploads')),
      );

      // Assess: a 404 for a missing key needs ListBucket; the condition keeps other prefixes unlisted.
      expect(listing, name).toHaveLength(1);
      const prefixes = name === 'ingest' ? 'rooms/*' : ['rooms/*', 'files/*'];
      expect(listing[0]?.Condition, name).toStrictEqual({ StringLike: { 's3:prefix': prefixes } });
    }
  });

  it('grants each role only the secrets it reads', () => {
    // Prepare: the secrets each handler asks lib/runtime.ts for.
    const expected: Record<FunctionName, string[]> = {
      push: [SECRET_PARAMETERS.plugnmeet, SECRET_PARAMETERS.bridge, SECRET_PARAMETERS.link],
      preload: [SECRET_PARAMETERS.bridge],
      link: [SECRET_PARAMETERS.link],
      ingest: [],
      worker: [SECRET_PARAMETERS.plugnmeet, SECRET_PARAMETERS.link],
    };

    for (const name of FUNCTION_NAMES) {
      // Act
      const parameters = resourcesGranting(template, ROLE_OF[name], 'ssm:GetParameter');
      const decrypt = statementsOf(template, ROLE_OF[name]).filter((statement) => toList(statement.Action).includes('kms:Decrypt'));

      // Assess
      expect(parameters, name).toStrictEqual(expected[name].map(parameterArn));
      if (expected[name].length === 0) {
        expect(decrypt, name).toStrictEqual([]);
      } else {
        expect(decrypt, name).toHaveLength(1);
        expect(decrypt[0]?.Condition?.StringEquals?.['kms:ViaService'], name).toStrictEqual({ 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' });
      }
    }
  });

  it('lets each role write only its own log group', () => {
    for (const name of FUNCTION_NAMES) {
      // Act
      const logGroups = resourcesGranting(template, ROLE_OF[name], 'logs:PutLogEvents');

      // Assess
      expect(logGroups, name).toStrictEqual([
        `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/pnm-bridge-test-${name}:*`,
      ]);
    }
  });

  it('keeps secret values out of the environment', () => {
    for (const name of FUNCTION_NAMES) {
      // Act
      const environment = environmentOf(template, name);

      // Assess
      expect(Object.keys(environment).filter((key) => /SECRET$/.test(key)), name).toStrictEqual([]);
      expect(environment, name).toMatchObject({
        PLUGNMEET_API_SECRET_PARAM: SECRET_PARAMETERS.plugnmeet,
        BRIDGE_API_SECRET_PARAM: SECRET_PARAMETERS.bridge,
        LINK_SIGNING_SECRET_PARAM: SECRET_PARAMETERS.link,
      });
    }
  });

  it('derives LINK_BASE_URL from the HTTP API endpoint', () => {
    for (const name of FUNCTION_NAMES) {
      // Act
      const linkBaseUrl = environmentOf(template, name).LINK_BASE_URL;

      // Assess
      expect(linkBaseUrl, name).toStrictEqual({
        'Fn::If': ['HasLinkBaseUrl', { Ref: 'LinkBaseUrl' }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] }, '/links']] }],
      });
    }
    expect(template.Resources.HttpApi?.Type).toBe('AWS::ApiGatewayV2::Api');
    expect(template.Parameters?.LinkBaseUrl?.Default).toBe('');
  });

  it('routes the HTTP API to push, preload and link', () => {
    // Act
    const routes = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route')
      .map((resource) => resource.Properties.RouteKey)
      .sort();

    // Assess
    expect(routes).toStrictEqual(['ANY /links/{proxy+}', 'POST /rooms/{roomId}/files', 'POST /rooms/{roomId}/preloads']);
  });

  it('gives queue settings only to their users', () => {
    // Assess
    expect(environmentOf(template, 'worker')).toMatchObject({
      UPLOAD_QUEUE_URL: { Ref: 'UploadQueue' },
      FAILURE_QUEUE_URL: { Ref: 'FailureQueue' },
      DELIVERY_STATE_BUCKET: { Ref: 'DeliveryStateBucket' },
    });
    expect(environmentOf(template, 'ingest')).toMatchObject({ UPLOAD_QUEUE_URL: { Ref: 'UploadQueue' } });
    expect(environmentOf(template, 'preload')).toMatchObject({ UPLOAD_QUEUE_URL: { Ref: 'UploadQueue' } });
    expect(environmentOf(template, 'link')).toMatchObject({ DELIVERY_STATE_BUCKET: { Ref: 'DeliveryStateBucket' } });
    expect(environmentOf(template, 'push')).toMatchObject({ PUSH_WAIT_MS: String(timing.PUSH_WAIT_MS) });
    expect(environmentOf(template, 'push').UPLOAD_QUEUE_URL).toBeUndefined();
    expect(environmentOf(template, 'link').FAILURE_QUEUE_URL).toBeUndefined();
  });

  it('passes the timing.ts numbers to the functions', () => {
    // Prepare
    const expected = {
      UPLOAD_TIMEOUT_MS: timing.UPLOAD_TIMEOUT_MS,
      API_TIMEOUT_MS: timing.API_TIMEOUT_MS,
      LINK_TTL_SECONDS: timing.LINK_TTL_SECONDS,
      PRESIGN_TTL_SECONDS: timing.PRESIGN_TTL_SECONDS,
      DEFAULT_DEADLINE_SECONDS: timing.DEFAULT_DEADLINE_SECONDS,
      MAX_DEADLINE_SECONDS: timing.MAX_DEADLINE_SECONDS,
      MAX_RECEIVE_COUNT: timing.MAX_RECEIVE_COUNT,
      BUSY_BACKOFF_BASE_SECONDS: timing.BUSY_BACKOFF.baseSeconds,
      BUSY_BACKOFF_CAP_SECONDS: timing.BUSY_BACKOFF.capSeconds,
      ROOM_WAIT_BACKOFF_BASE_SECONDS: timing.ROOM_WAIT_BACKOFF.baseSeconds,
      ROOM_WAIT_BACKOFF_CAP_SECONDS: timing.ROOM_WAIT_BACKOFF.capSeconds,
      LOCK_TTL_SECONDS: timing.LOCK_TTL_SECONDS,
    };

    // Act
    const worker = environmentOf(template, 'worker');

    // Assess
    for (const [name, value] of Object.entries(expected)) {
      expect(worker[name], name).toBe(String(value));
    }
    expect(environmentOf(template, 'push').PUSH_WAIT_MS).toBe(String(timing.PUSH_WAIT_MS));
    expect(environmentOf(template, 'preload').MAX_DEADLINE_SECONDS).toBe(String(timing.MAX_DEADLINE_SECONDS));
  });

  it('configures the worker as lib/config.ts reads it', () => {
    // Prepare
    const stringEnvironment = Object.fromEntries(
      Object.entries(environmentOf(template, 'worker')).map(([name, value]) => [name, typeof value === 'string' ? value : 'https://stand-in.example.test/value']),
    );

    // Act
    const config = loadConfig(stringEnvironment);

    // Assess
    expect(config.queue.maxReceiveCount).toBe(timing.MAX_RECEIVE_COUNT);
    expect(config.queue.maxDeadlineSeconds).toBe(timing.MAX_DEADLINE_SECONDS);
    expect(config.backoff).toMatchObject({
      busyBaseSeconds: timing.BUSY_BACKOFF.baseSeconds,
      busyCapSeconds: timing.BUSY_BACKOFF.capSeconds,
      roomWaitBaseSeconds: timing.ROOM_WAIT_BACKOFF.baseSeconds,
      roomWaitCapSeconds: timing.ROOM_WAIT_BACKOFF.capSeconds,
      lockTtlSeconds: timing.LOCK_TTL_SECONDS,
    });
    expect(config.upload.timeoutMs).toBe(timing.UPLOAD_TIMEOUT_MS);
    expect(config.plugnmeet.apiSecret).toStrictEqual({ parameterName: SECRET_PARAMETERS.plugnmeet });
  });

  it('keeps the delivery-state bucket private, encrypted and short-lived', () => {
    // Assess
    expect(template.Resources.DeliveryStateBucket).toMatchObject({
      Type: 'AWS::S3::Bucket',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [{ Status: 'Enabled', ExpirationInDays: timing.DELIVERY_STATE_EXPIRATION_DAYS }] },
      },
    });
  });

  it('alarms when the failure queue holds messages', () => {
    // Assess
    expect(template.Resources.FailureQueueAlarm).toMatchObject({
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['FailureQueue', 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      },
    });
    expect(template.Resources.AlarmEmailSubscription?.Condition).toBe('HasAlarmEmail');
  });

  it('runs every function on nodejs22.x arm64 with source maps', () => {
    for (const name of FUNCTION_NAMES) {
      // Act
      const properties = template.Resources[functionLogicalId(name)]?.Properties;

      // Assess
      expect(properties, name).toMatchObject({
        Handler: `functions/${name}.handler`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
      });
      expect(environmentOf(template, name).NODE_OPTIONS, name).toBe('--enable-source-maps');
    }
  });

  it('sets function timeouts from timing.ts', () => {
    // Prepare
    const expected: Record<FunctionName, number> = {
      push: timing.PUSH_TIMEOUT_SECONDS,
      preload: timing.PRELOAD_TIMEOUT_SECONDS,
      link: timing.LINK_TIMEOUT_SECONDS,
      ingest: timing.INGEST_TIMEOUT_SECONDS,
      worker: timing.WORKER_TIMEOUT_SECONDS,
    };

    // Act
    const timeouts = Object.fromEntries(FUNCTION_NAMES.map((name) => [name, template.Resources[functionLogicalId(name)]?.Properties.Timeout]));

    // Assess
    expect(timeouts).toStrictEqual(expected);
  });

  it('packages a zip for every function', () => {
    // Prepare
    const functions = Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function');

    // Assess
    expect(functions.map(([id]) => id).sort()).toStrictEqual(FUNCTION_NAMES.map(functionLogicalId).sort());
    for (const [id, resource] of functions) {
      const zip = join(packaged.outputDir, basename((resource.Properties.Code as { S3Key: string }).S3Key));
      expect(existsSync(zip), `${id}: ${zip}`).toBe(true);
      expect(readMagic(zip), id).toBe('PK\u0003\u0004');
    }
  });
});

describe('deploy template with an existing uploads bucket', () => {
  let packaged: PackagedService;
  let template: CfnTemplate;

  beforeAll(async () => {
    packaged = await packageService({ uploadsBucketExisting: 'true', uploadsBucket: 'existing-uploads', uploadsPrefix: 'incoming/' });
    template = packaged.template;
  }, PACKAGE_TIMEOUT_MS);

  afterAll(() => packaged?.cleanUp());

  it('adds the prefix rule through the custom resource', () => {
    // Prepare
    const customResources = Object.values(template.Resources).filter((resource) => resource.Type === 'Custom::S3');

    // Assess
    expect(customResources).toHaveLength(1);
    expect(customResources[0]).toMatchObject({
      Properties: {
        FunctionName: 'pnm-bridge-test-ingest',
        BucketName: 'existing-uploads',
        BucketConfigs: [{ Event: 's3:ObjectCreated:*', Rules: [{ Prefix: 'incoming/' }] }],
      },
    });
  });

  it('creates no uploads bucket', () => {
    // Act
    const buckets = Object.keys(template.Resources).filter((id) => template.Resources[id]?.Type === 'AWS::S3::Bucket');

    // Assess
    expect(buckets.sort()).toStrictEqual(['DeliveryStateBucket', 'ServerlessDeploymentBucket']);
  });

  it('scopes every grant to the existing bucket and prefix', () => {
    // Assess
    expectScopedGrants(template, 'existing-uploads', ['incoming/', 'files/']);
    expect(resourcesGranting(template, 'IamRoleCustomResourcesLambdaExecution', 's3:PutBucketNotification')).toStrictEqual([
      'arn:${AWS::Partition}:s3:::existing-uploads',
    ]);
    expect(environmentOf(template, 'worker')).toMatchObject({ ALLOWED_BUCKETS: 'existing-uploads', ROOM_KEY_PATTERN: 'incoming/{roomId}/' });
  });
});

describe('timing', () => {
  it('leaves the worker a margin after the upload timeout', () => {
    expect(timing.UPLOAD_TIMEOUT_MS).toBeLessThan(timing.WORKER_TIMEOUT_SECONDS * 1000);
    expect(timing.WORKER_TIMEOUT_SECONDS * 1000 - timing.UPLOAD_TIMEOUT_MS).toBeGreaterThanOrEqual(2 * timing.API_TIMEOUT_MS + 60_000);
    expect(timing.WORKER_TIMEOUT_SECONDS).toBeLessThanOrEqual(timing.LAMBDA_MAX_TIMEOUT_SECONDS);
  });

  it('budgets receives up to the longest deadline', () => {
    // Prepare
    const roomWaits = timing.countReceivesToWait(timing.ROOM_WAIT_BACKOFF, timing.MAX_DEADLINE_SECONDS);
    const lockWaits = timing.LOCK_WAITS_BUDGET * timing.countReceivesToWait(timing.BUSY_BACKOFF, timing.LOCK_TTL_SECONDS);

    // Act
    const needed = roomWaits + lockWaits + timing.TRANSIENT_RETRY_BUDGET + 1;

    // Assess
    expect(needed).toBe(947);
    expect(needed).toBeLessThanOrEqual(timing.MAX_RECEIVE_COUNT);
    expect(timing.MAX_RECEIVE_COUNT).toBeLessThanOrEqual(timing.SQS_MAX_RECEIVE_COUNT);
  });

  it('outlasts one upload lock within five busy receives', () => {
    expect(timing.countReceivesToWait(timing.BUSY_BACKOFF, timing.LOCK_TTL_SECONDS)).toBe(5);
  });

  it('keeps messages in the queue past the longest deadline', () => {
    expect(timing.DEFAULT_DEADLINE_SECONDS).toBeLessThanOrEqual(timing.MAX_DEADLINE_SECONDS);
    expect(timing.MAX_DEADLINE_SECONDS + timing.VISIBILITY_TIMEOUT_SECONDS).toBeLessThan(timing.UPLOAD_QUEUE_RETENTION_SECONDS);
    expect(timing.FAILURE_QUEUE_RETENTION_SECONDS).toBeLessThanOrEqual(14 * 86_400);
  });

  it('keeps back-offs within the SQS visibility limit', () => {
    for (const backoff of [timing.BUSY_BACKOFF, timing.ROOM_WAIT_BACKOFF]) {
      expect(backoff.baseSeconds).toBeGreaterThan(0);
      expect(backoff.capSeconds).toBeGreaterThanOrEqual(backoff.baseSeconds);
      expect(backoff.capSeconds).toBeLessThanOrEqual(timing.SQS_MAX_VISIBILITY_TIMEOUT_SECONDS);
    }
  });

  it('doubles the busy back-off up to its cap', () => {
    // Act
    const delays = [1, 2, 3, 4, 5, 1000].map((receiveCount) => computeBackoffSeconds(timing.BUSY_BACKOFF, receiveCount));

    // Assess
    expect(delays).toStrictEqual([15, 30, 60, 120, 120, 120]);
  });

  it('answers HTTP requests before the gateway gives up', () => {
    expect(timing.PUSH_TIMEOUT_SECONDS).toBeLessThan(timing.HTTP_API_INTEGRATION_TIMEOUT_SECONDS);
    expect(timing.PRELOAD_TIMEOUT_SECONDS).toBeLessThan(timing.HTTP_API_INTEGRATION_TIMEOUT_SECONDS);
    expect(timing.PUSH_WAIT_MS).toBeLessThan(timing.PUSH_TIMEOUT_SECONDS * 1000);
  });

  it('keeps document links valid through an upload request', () => {
    expect(timing.LINK_TTL_SECONDS * 1000).toBeGreaterThan(timing.UPLOAD_TIMEOUT_MS);
  });

  it('matches the defaults of lib/config.ts', () => {
    // Prepare
    const minimalEnvironment = {
      PLUGNMEET_SERVER_URL: 'https://plugnmeet.example.test',
      PLUGNMEET_API_KEY: 'key',
      PLUGNMEET_API_SECRET: 'secret',
      BRIDGE_API_KEY: 'key',
      BRIDGE_API_SECRET: 'secret',
      LINK_SIGNING_SECRET: 'secret',
      LINK_BASE_URL: 'https://bridge.example.test/links',
      ALLOWED_BUCKETS: 'uploads',
    };

    // Act
    const config = loadConfig(minimalEnvironment);

    // Assess
    expect({
      uploadTimeoutMs: config.upload.timeoutMs,
      apiTimeoutMs: config.upload.apiTimeoutMs,
      pushWaitMs: config.api.pushWaitMs,
      defaultDeadlineSeconds: config.queue.defaultDeadlineSeconds,
      linkTtlSeconds: config.link.ttlSeconds,
      presignTtlSeconds: config.link.presignTtlSeconds,
    }).toStrictEqual({
      uploadTimeoutMs: timing.UPLOAD_TIMEOUT_MS,
      apiTimeoutMs: timing.API_TIMEOUT_MS,
      pushWaitMs: timing.PUSH_WAIT_MS,
      defaultDeadlineSeconds: timing.DEFAULT_DEADLINE_SECONDS,
      linkTtlSeconds: timing.LINK_TTL_SECONDS,
      presignTtlSeconds: timing.PRESIGN_TTL_SECONDS,
    });
  });
});
