/** Thresholds of CONTROLS.md; every one is a default a user may change. */
export interface Settings {
  passwordPolicy: {
    minimumPasswordLength: number;
    maxPasswordAge: number;
    passwordReusePrevention: number;
  };
}

export const DEFAULT_SETTINGS: Settings = {
  passwordPolicy: { minimumPasswordLength: 14, maxPasswordAge: 90, passwordReusePrevention: 24 },
};
