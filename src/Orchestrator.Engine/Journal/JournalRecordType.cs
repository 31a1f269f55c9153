namespace Orchestrator.Engine.Journal;

/// <summary>The first byte of every journal record's payload.</summary>
public enum JournalRecordType : byte
{
    /// <summary>Never written; a zero type byte is corruption.</summary>
    None = 0,

    /// <summary>The input fields of one <see cref="Core.EngineEvent"/> (see <see cref="JournalCodec"/>).</summary>
    EngineEvent = 1,

    /// <summary>An interned text (table, id, UTF-8 text), written the first time an id appears in a segment.</summary>
    TextInterned = 2,

    /// <summary>
    /// Every field of the risk parameters a live change staged (<see cref="JournalRiskCodec"/>), written
    /// just before the <see cref="Core.CommandKind.ApplyRiskParameters"/> event that applies them, with
    /// that event's sequence, so replay applies the same limits.
    /// </summary>
    RiskParameters = 3,

    /// <summary>
    /// More allowed symbols of the RiskParameters record just before it (same sequence, same version):
    /// a list longer than one record holds continues in as many of these as it needs.
    /// </summary>
    RiskAllowedSymbols = 4,
}
