using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;

namespace Orchestrator.Engine.Journal;

/// <summary>What a journal held and the state replaying it rebuilt.</summary>
/// <param name="Engine">The engine after the replay (not started; read its portfolio, orders, counters).</param>
/// <param name="Events">Events replayed, by kind (after the snapshot, when recovery started from one).</param>
/// <param name="Texts">Interned-text and risk-parameter records read.</param>
/// <param name="FirstSequence">First journal sequence replayed (−1 when none).</param>
/// <param name="LastSequence">Last journal sequence replayed (−1 when none).</param>
/// <param name="FirstTsNs">Event time of the first event replayed (0 when none).</param>
/// <param name="LastTsNs">Event time of the last event.</param>
/// <param name="TornTail">A torn last record the reader stopped at (the daemon cuts it at its next start).</param>
public sealed record JournalReplay(TradingEngine Engine, IReadOnlyDictionary<EventKind, long> Events, long Texts, long FirstSequence, long LastSequence, long FirstTsNs, long LastTsNs, JournalTornTail? TornTail)
{
    /// <summary>Events run through the handlers (those after the snapshot, when one was used).</summary>
    public long EventsReplayed { get; init; }

    /// <summary>Whole segments not read because the snapshot covers them.</summary>
    public int SegmentsSkipped { get; init; }

    /// <summary>The journal sequence a writer continues at: one past the last event seen (or past the snapshot's).</summary>
    public long NextSequence { get; init; }

    /// <summary>The snapshot recovery started from; null = the whole journal was replayed.</summary>
    public Snapshots.SnapshotInfo? Snapshot { get; init; }

    /// <summary>Snapshots found but not used, newest first, each with the reason (corrupt, another configuration, …).</summary>
    public IReadOnlyList<Snapshots.SnapshotRefusal> SnapshotsRefused { get; init; } = [];
}

/// <summary>
/// Rebuilds engine state from a journal: every journaled input goes through the same Signal
/// Engine → Risk → Sizing → Order Manager handlers, in journal order, with order sending
/// suppressed (orders are recreated with the same deterministic ids and their journaled
/// execution reports settle them). Journaled text ids are mapped to this engine's interner.
/// </summary>
public static class JournalReplayer
{
    /// <summary>
    /// Replays <paramref name="directory"/> with <paramref name="options"/> — the configuration the
    /// journal was written with; the starting cash is the one recorded beside the journal
    /// (<see cref="JournalStartingCash"/>) when there is one, and so are the order id base and the calendars setting
    /// (<see cref="JournalCalendars"/>) (the journal stores symbol ids, not names: a symbol id beyond the
    /// configuration's symbols is an error naming it).
    /// </summary>
    public static JournalReplay Replay(string directory, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        decimal startingCash = JournalStartingCash.Read(directory) ?? options.StartingCash; // the journaled session's, when recorded
        long orderIdBase = JournalOrderIdBase.ReadForReplay(directory) ?? options.OrderIdBase; // the ids the journaled session made
        bool calendars = JournalCalendars.Read(directory)?.Exchange ?? options.UseExchangeCalendars; // the sessions it decided by
        return ReplayInto(new TradingEngine(options with { JournalDirectory = null, StartingCash = startingCash, OrderIdBase = orderIdBase, UseExchangeCalendars = calendars }, NullAuditWriter.Instance), directory);
    }

    /// <summary>
    /// Replays <paramref name="directory"/> into <paramref name="engine"/>, which must not be
    /// started (its handlers run on the caller's thread); orders are not sent, checkpoints not
    /// written. Only events after <paramref name="afterSequence"/> run through the handlers (the
    /// state up to it came from a snapshot); segments wholly at or below it are not even opened.
    /// Each segment's symbol table must match the engine's symbols: a journal written with another
    /// configuration would misattribute every event (InvalidDataException naming segment, id and names).
    /// A RiskParameters record is staged into the engine's mailbox and the command that follows is
    /// pointed at the new version, so the replay applies the limits the live engine applied.
    /// </summary>
    public static JournalReplay ReplayInto(TradingEngine engine, string directory, long afterSequence = -1)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var events = new SortedDictionary<EventKind, long>();
        long texts = 0, first = -1, last = -1, firstTs = 0, lastTs = 0, sequence = 0, replayed = 0;
        long stagedFrom = long.MinValue, stagedAs = 0; // the journaled version of the last RiskParameters record, and the local one
        bool pendingRisk = false;
        int checkedSegment = -1;
        using var reader = new JournalReader(directory, afterSequence);
        var e = default(EngineEvent);
        engine.OrderManager.SuppressSending = true;
        engine.Audit.Muted = true;
        if (engine.Checkpoints is { } checkpoints)
        {
            checkpoints.Suppressed = true; // the snapshots of the replayed past exist or were superseded
        }

        try
        {
            while (reader.ReadNext())
            {
                if (reader.SegmentIndex != checkedSegment)
                {
                    checkedSegment = reader.SegmentIndex;
                    CheckSymbols(reader.SegmentPath, reader.SegmentSymbols, engine.Symbols);
                }

                if (reader.RecordType is JournalRecordType.RiskParameters or JournalRecordType.RiskAllowedSymbols)
                {
                    // Staged at the next event, when a long allowed-symbols list has been read whole.
                    texts++;
                    pendingRisk = reader.Sequence > afterSequence;
                    continue;
                }

                if (reader.RecordType != JournalRecordType.EngineEvent)
                {
                    texts++;
                    continue;
                }

                if (pendingRisk)
                {
                    pendingRisk = false;
                    stagedFrom = reader.RiskParametersVersion;
                    // Replay is synchronous: the previous record's command, if the journal has it, was
                    // processed inline already; its slot is free even when no command named it.
                    engine.RiskParameterMailbox.MarkApplied(stagedAs);
                    stagedAs = engine.RiskParameterMailbox.Stage(reader.RiskParameters!);
                }

                if (reader.Sequence <= afterSequence)
                {
                    continue; // in the snapshot
                }

                reader.ReadEvent(ref e);
                if (e.SymbolId >= engine.Symbols.Count)
                {
                    throw new InvalidDataException($"{reader.SegmentPath} at offset {reader.RecordOffset}: symbol id {e.SymbolId} is beyond the configuration's {engine.Symbols.Count} symbols; replay with the configuration the journal was written with");
                }

                if (e.Kind == EventKind.Command && e.Command == CommandKind.ApplyRiskParameters)
                {
                    // Versions are process-local: apply what was journaled with this command, under the
                    // version it was staged as here; without its record the change cannot be reproduced.
                    e.CommandArg = e.CommandArg == stagedFrom ? stagedAs : 0;
                }

                e.SourceId = e.SourceId == 0 ? 0 : engine.Sources.Intern(reader.GetText(JournalTextTable.Sources, e.SourceId));
                e.ReasonId = e.ReasonId == 0 ? 0 : engine.Reasons.Intern(reader.GetText(JournalTextTable.Reasons, e.ReasonId));
                engine.ProcessInline(ref e, sequence++);
                replayed++;

                events[e.Kind] = events.GetValueOrDefault(e.Kind) + 1;
                first = first < 0 ? reader.Sequence : first;
                last = reader.Sequence;
                firstTs = firstTs == 0 ? e.TsEventNs : firstTs;
                lastTs = Math.Max(lastTs, e.TsEventNs);
            }

            engine.Strategies?.OnReplayFinished();
        }
        finally
        {
            engine.OrderManager.SuppressSending = false;
            engine.Audit.Muted = false;
            if (engine.Checkpoints is { } suppressed)
            {
                suppressed.Suppressed = false;
            }
        }

        return new JournalReplay(engine, events, texts, first, last, firstTs, lastTs, reader.TornTail)
        {
            EventsReplayed = replayed,
            SegmentsSkipped = reader.SegmentsSkipped,
            NextSequence = Math.Max(reader.LastEventSequence, afterSequence) + 1,
        };
    }

    /// <summary>A segment's symbol table against the configuration's: the first difference is an error naming both.</summary>
    public static void CheckSymbols(string segmentPath, IReadOnlyList<string> journal, SymbolTable configuration)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(configuration);
        int count = Math.Max(journal.Count, configuration.Count);
        for (int id = 0; id < count; id++)
        {
            string? written = id < journal.Count ? journal[id] : null;
            string? configured = id < configuration.Count ? configuration.Names[id] : null;
            if (!string.Equals(written, configured, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Journal segment '{segmentPath}' was written with other symbols: symbol id {id} is {Quote(written)} in the journal but {Quote(configured)} in the configuration ({journal.Count} symbols in the journal, {configuration.Count} configured); replay with the configuration the journal was written with");
            }
        }
    }

    private static string Quote(string? name) => name is null ? "(none)" : "'" + name + "'";
}
