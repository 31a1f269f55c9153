using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;

namespace Orchestrator.Engine.Journal;

/// <summary>What a journal held and the state replaying it rebuilt.</summary>
/// <param name="Engine">The engine after the replay (not started; read its portfolio, orders, counters).</param>
/// <param name="Events">Events replayed, by kind.</param>
/// <param name="Texts">Interned-text records read.</param>
/// <param name="FirstSequence">First journal sequence (−1 when empty).</param>
/// <param name="LastSequence">Last journal sequence (−1 when empty).</param>
/// <param name="FirstTsNs">Event time of the first event (0 when empty).</param>
/// <param name="LastTsNs">Event time of the last event.</param>
/// <param name="TornTail">A torn last record the reader stopped at (the daemon cuts it at its next start).</param>
public sealed record JournalReplay(TradingEngine Engine, IReadOnlyDictionary<EventKind, long> Events, long Texts, long FirstSequence, long LastSequence, long FirstTsNs, long LastTsNs, JournalTornTail? TornTail);

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
    /// (<see cref="JournalStartingCash"/>) when there is one (the journal stores symbol ids, not names: a symbol id beyond the
    /// configuration's symbols is an error naming it).
    /// </summary>
    public static JournalReplay Replay(string directory, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        decimal startingCash = JournalStartingCash.Read(directory) ?? options.StartingCash; // the journaled session's, when recorded
        return ReplayInto(new TradingEngine(options with { JournalDirectory = null, StartingCash = startingCash }, NullAuditWriter.Instance), directory);
    }

    /// <summary>
    /// Replays <paramref name="directory"/> into <paramref name="engine"/>, which must not be
    /// started (its handlers run on the caller's thread); orders are not sent.
    /// </summary>
    public static JournalReplay ReplayInto(TradingEngine engine, string directory)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var events = new SortedDictionary<EventKind, long>();
        long texts = 0, first = -1, last = -1, firstTs = 0, lastTs = 0, sequence = 0;
        using var reader = new JournalReader(directory);
        var e = default(EngineEvent);
        engine.OrderManager.SuppressSending = true;
        engine.Audit.Muted = true;
        try
        {
            while (reader.ReadNext())
            {
                if (reader.RecordType != JournalRecordType.EngineEvent)
                {
                    texts++;
                    continue;
                }

                reader.ReadEvent(ref e);
                if (e.SymbolId >= engine.Symbols.Count)
                {
                    throw new InvalidDataException($"{reader.SegmentPath} at offset {reader.RecordOffset}: symbol id {e.SymbolId} is beyond the configuration's {engine.Symbols.Count} symbols; replay with the configuration the journal was written with");
                }

                e.SourceId = e.SourceId == 0 ? 0 : engine.Sources.Intern(reader.GetText(JournalTextTable.Sources, e.SourceId));
                e.ReasonId = e.ReasonId == 0 ? 0 : engine.Reasons.Intern(reader.GetText(JournalTextTable.Reasons, e.ReasonId));
                engine.ProcessInline(ref e, sequence++);

                events[e.Kind] = events.GetValueOrDefault(e.Kind) + 1;
                first = first < 0 ? reader.Sequence : first;
                last = reader.Sequence;
                firstTs = firstTs == 0 ? e.TsEventNs : firstTs;
                lastTs = Math.Max(lastTs, e.TsEventNs);
            }
        }
        finally
        {
            engine.OrderManager.SuppressSending = false;
            engine.Audit.Muted = false;
        }

        return new JournalReplay(engine, events, texts, first, last, firstTs, lastTs, reader.TornTail);
    }
}
