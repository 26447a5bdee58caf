// The `baton rollout --help` text: every flag, its default and its bound.

export const rolloutUsage = `Usage:
  baton rollout --management <url> --org <org> --env <env> --api <api> --revision <n> --target <url> [options]

Drives steady load at a proxy, deploys a revision through the Apigee Edge management API (Baton or Apigee
itself), keeps the load on through the delay window and reports by phase: before (load before the deploy call),
during (from the deploy call until the deploy response + --delay seconds) and after. Then it lists the proxy's
deployments and reports leftover revisions. Exit 0 when the rollout was clean; 1 on a failed deploy, any 5xx,
any transport error (reset, timeout), a failed deployment check or an unexpected leftover; 2 on a usage error.

Required:
  --management <url>       management API base URL, e.g. http://127.0.0.1:8080 or https://api.enterprise.apigee.com
                           (/v1 is appended unless the URL already ends with it)
  --org <org>              organization
  --env <env>              environment
  --api <api>              API proxy name
  --revision <n>           the revision to roll out (a positive integer)
  --target <url>           data-plane URL to load, e.g. http://127.0.0.1:9001/orders/items

Rollout:
  --mode seamless|plain    seamless (default): POST …/revisions/<n>/deployments?override=true&delay=<delay>;
                           plain: undeploy every deployed revision, then deploy without override (for comparison)
  --delay <s>              seconds the replaced revision keeps serving; integer 0-600, default 5
  --basepath <path>        deployment base path sent with the deploy call (default: none, the gateway's /)
  --expect-leftover        a leftover revision is expected: exit 0 with one, 1 without

Load (autocannon, keep-alive connections):
  --before <s>             seconds of load before the deploy call; 0-600, default 5
  --after <s>              seconds of load after the delay window; 0-600, default 5
  --connections <n>        concurrent connections; 1-1000, default 10
  --rate <req/s>           overall request rate over all connections; 1-100000, default: as fast as possible
  --method GET|POST        default GET
  --body <file>            request body (POST only; at most 1 MiB)
  --content-type <type>    body Content-Type; default from the file extension (.json, .xml, .txt, else
                           application/octet-stream)
  --revision-header <name> response header naming the serving revision, as "<api>/<rev>" or "<rev>";
                           default x-baton-revision (Baton sends it when dataplane.revisionHeader is on)
  Requests time out after 10 s. autocannon never verifies the target's TLS certificate.

Management credentials (one of):
  --user <email> --password <pw>   Basic authentication; BATON_ROLLOUT_PASSWORD may hold the password instead
  --token <token>                  Bearer token; BATON_ROLLOUT_TOKEN may hold it instead
  --insecure               do not verify the management API's TLS certificate

Output:
  --json                   print one JSON document on stdout instead of the table
  -h, --help               this text
  A progress line (phase, elapsed, req/s, errors so far) is drawn on stderr when stderr is a terminal.
`;
