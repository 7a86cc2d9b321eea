// Rapier interaction groups: high 16 bits = membership, low 16 bits = filter.
// Environment objects collide with everything; a robot's links never collide with each other
// (the real arm's links do not touch) but do collide with the environment and other robots.

export const ENV_GROUP = 1;

export function robotMembership(robotIndex: number): number {
  return 1 << (1 + (robotIndex % 15));
}

export function groups(membership: number, filter: number): number {
  return ((membership & 0xffff) << 16) | (filter & 0xffff);
}

export function robotGroups(robotIndex: number): number {
  const own = robotMembership(robotIndex);
  return groups(own, 0xffff & ~own);
}

export const ENV_GROUPS = groups(ENV_GROUP, 0xffff);
