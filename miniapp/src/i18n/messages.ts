/**
 * The shape every locale fills in. Placeholders are written `{name}` and filled with `interpolate`.
 */
export interface Messages {
  app: {
    name: string;
    title: string;
  };
  home: {
    tagline: string;
    lead: string;
    joinTitle: string;
    joinDescription: string;
    joinButton: string;
    comingSoon: string;
    benefitsTitle: string;
    benefits: {
      points: { title: string; description: string };
      tiers: { title: string; description: string };
      gifts: { title: string; description: string };
    };
  };
  status: {
    checking: string;
    healthy: string;
    unavailable: string;
    retry: string;
  };
  apiErrors: {
    network: string;
    invalidResponse: string;
    httpStatus: string;
  };
}
