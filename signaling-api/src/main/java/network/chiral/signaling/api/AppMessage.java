package network.chiral.signaling.api;

/**
 * A message of a type the application defines (the Chiral client's own tests send
 * {@code {"type":"test","to":...}}): relayed to {@code to} like an offer, {@code from} stamped
 * by the server, every other field passed on exactly as the sender wrote it. Any {@code type}
 * the protocol does not reserve qualifies, as long as the message has a string {@code to}.
 *
 * @param type   the application's type, 1 to {@link #MAX_TYPE_LENGTH} characters, none reserved
 * @param from   the sender; stamped by the server, whatever the client wrote
 * @param to     the receiver's registered id
 * @param fields the message's other members ({@code to} among them) as the sender wrote them,
 *               comma-separated JSON members without the braces
 */
public record AppMessage(String type, String from, String to, String fields) implements SignalMessage, Relay {
    /** The longest application type accepted. */
    public static final int MAX_TYPE_LENGTH = 64;

    public AppMessage {
        Fields.require(type, "application message", "type");
        Fields.require(to, type, "to");
        Fields.require(fields, type, "fields");
    }

    @Override
    public Payload payload() {
        return Payload.verbatim("{" + fields + "}");
    }

    @Override
    public AppMessage withFrom(String sender) {
        return new AppMessage(type, sender, to, fields);
    }

    @Override
    public SignalMessage message() {
        return this;
    }
}
