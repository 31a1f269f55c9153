namespace Orchestrator.Adapters.SignalGateway;

/// <summary>Why the gateway refused a line (or a connection); each is counted and has one fixed message.</summary>
public enum GatewayError : byte
{
    None = 0,
    MalformedJson,
    NotAnObject,
    InvalidUtf8,
    LineTooLong,
    DuplicateProperty,
    SymbolMissing,
    SymbolNotString,
    SymbolUnknown,
    SideMissing,
    SideInvalid,
    ConfidenceMissing,
    ConfidenceNotNumber,
    ConfidenceOutOfRange,
    PriceNotNumber,
    PriceOutOfRange,
    ReasonNotString,
    ReasonTooLong,
    SourceNotString,
    SourceInvalid,
    IdNotString,
    IdTooLong,
    AuthRequired,
    AuthFailed,
    TooManyConnections,
}
