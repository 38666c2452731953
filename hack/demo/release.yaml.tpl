apiVersion: slipway.dev/v1alpha1
kind: LambdaRelease
metadata:
  name: conversation-api-${VERSION_LABEL}
  namespace: chat
spec:
  service: nexus
  function: conversation-api
  code:
    s3: { bucket: nexus-artifacts, key: backend/${VERSION}.zip }
  policy: demo-fast
