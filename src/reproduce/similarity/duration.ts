// Run times in the similarity reports and logs: seconds under two minutes, then minutes.

/** e.g. '12.3 s', '4.5 min'. */
export const duration = (s: number) =>
  s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`;
