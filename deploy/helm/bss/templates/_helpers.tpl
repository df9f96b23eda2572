{{/* Names and labels shared by every object of the chart. */}}
{{- define "bss.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "bss.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "bss.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "bss.secretName" -}}
{{- .Values.existingSecret | default (include "bss.fullname" .) -}}
{{- end -}}

{{- define "bss.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* The pod of an API or worker Deployment: dict "root" . "component" "api"|"worker" "values" .Values.api|worker */}}
{{- define "bss.podSpec" -}}
{{- $root := .root -}}
metadata:
  labels:
    {{- include "bss.selector" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
    {{- with $root.Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  automountServiceAccountToken: false
  terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: bss
      image: {{ include "bss.image" $root }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      # node is PID 1 (the image's ENTRYPOINT): SIGTERM starts the graceful drain
      args: [src/main.ts]
      envFrom:
        - configMapRef:
            name: {{ include "bss.fullname" $root }}
        - secretRef:
            name: {{ include "bss.secretName" $root }}
      {{- if eq .component "worker" }}
      env:
        - name: BSS_MEDIATION_CONSUMER
          value: 'on'
      {{- end }}
      ports:
        - name: http
          containerPort: {{ $root.Values.config.BSS_PORT | int }}
      {{- with $root.Values.probes }}
      startupProbe:
        httpGet: { path: {{ .startup.path }}, port: http }
        periodSeconds: {{ .startup.periodSeconds }}
        timeoutSeconds: {{ .startup.timeoutSeconds }}
        failureThreshold: {{ .startup.failureThreshold }}
      livenessProbe:
        httpGet: { path: {{ .liveness.path }}, port: http }
        periodSeconds: {{ .liveness.periodSeconds }}
        timeoutSeconds: {{ .liveness.timeoutSeconds }}
        failureThreshold: {{ .liveness.failureThreshold }}
      readinessProbe:
        httpGet: { path: {{ .readiness.path }}, port: http }
        periodSeconds: {{ .readiness.periodSeconds }}
        timeoutSeconds: {{ .readiness.timeoutSeconds }}
        failureThreshold: {{ .readiness.failureThreshold }}
      {{- end }}
      resources:
        {{- toYaml .values.resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      volumeMounts:
        - { name: tmp, mountPath: /tmp }
        - { name: data, mountPath: {{ $root.Values.config.BSS_DATA_DIR }} }
  volumes:
    - { name: tmp, emptyDir: {} }
    - { name: data, emptyDir: {} }
  {{- with $root.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
