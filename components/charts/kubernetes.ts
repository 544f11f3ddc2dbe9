/** Kubernetes shapes that chart values pass through to the objects they render (type-only imports). */
import type * as k8s from "@pulumi/kubernetes";


export type Resources = k8s.types.input.core.v1.ResourceRequirements;
export type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
export type ContainerSecurityContext = k8s.types.input.core.v1.SecurityContext;
export type TopologySpreadConstraint = k8s.types.input.core.v1.TopologySpreadConstraint;
export type Toleration = k8s.types.input.core.v1.Toleration;
export type Volume = k8s.types.input.core.v1.Volume;
export type VolumeMount = k8s.types.input.core.v1.VolumeMount;
export type EnvVar = k8s.types.input.core.v1.EnvVar;
export type EnvFromSource = k8s.types.input.core.v1.EnvFromSource;
export type Probe = k8s.types.input.core.v1.Probe;
export type Labels = Readonly<Record<string, string>>;
