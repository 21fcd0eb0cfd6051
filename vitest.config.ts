import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The suites start real local servers (S3, SQS and plugNmeet stand-ins) on ephemeral ports,
    // so the default five seconds is too short for the end-to-end cases on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The SDK warns on Node 20 about its future Node 22 requirement; the warning is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
