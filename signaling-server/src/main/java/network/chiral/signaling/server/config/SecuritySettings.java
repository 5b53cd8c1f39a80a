package network.chiral.signaling.server.config;

/**
 * The security controls, each off until its own setting switches it on.
 *
 * @param auth      who may connect (JWT, API keys)
 * @param admission which upgrades are let in (origins, connection caps)
 * @param rate      how fast one socket may send and register
 * @param turn      TURN credentials handed out with {@code peers}
 */
public record SecuritySettings(AuthSettings auth, AdmissionSettings admission, RateSettings rate, TurnSettings turn) {

    static SecuritySettings read(SettingReader read) {
        return new SecuritySettings(AuthSettings.read(read), AdmissionSettings.read(read), RateSettings.read(read),
                TurnSettings.read(read));
    }
}
