using Disruptor;
using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Journal;

/// <summary>
/// The journal stage: appends the input fields of every event to the <see cref="JournalWriter"/>
/// and, at the end of each batch, writes the batch and fsyncs per policy — so once this handler
/// has returned for an event's batch, the event is in the journal.
/// <para><b>Where it goes.</b> It must run before any stage that lets an order leave the process:</para>
/// <list type="bullet">
/// <item>as a stage of its own in front of the trading stages, gating them —
/// <c>inbound.HandleEventsWith(journal).Then(signalEngine).Then(trading)</c> (its own thread; the
/// stages after it see an event only once the journal's sequence has passed it, i.e. after the
/// batch holding it was flushed); or</item>
/// <item>first inside the stage that holds the order manager (<c>TradingStages</c>) —
/// <c>new TradingStages(journal, signalEngine, risk, sizing, orderManager)</c>
/// (<see cref="JournalPlacement.Inline"/>, the default unless every batch is synced). The order manager then sees an event after
/// it was <i>appended</i> but before its batch is written, so it calls <see cref="FlushBeforeRelease"/>
/// before it publishes an order or cancel: no thread of its own (the lowest latency on a small
/// machine), and only events that release something pay a write call before the batch ends.</item>
/// </list>
/// <para>
/// Ticks, quotes and bars are skipped when <see cref="JournalOptions.IncludeMarketData"/> is off;
/// signals, execution reports, commands and timers never are. The first time a signal's source or
/// reason id appears in a segment, a TextInterned record with its text precedes the event, so each
/// segment can be replayed on its own.
/// </para>
/// <para>
/// Journal sequence = <c>firstJournalSequence</c> + ring sequence: after a restart the ring starts
/// at 0 again, so pass <see cref="JournalReader.NextSequence"/> to keep the journal increasing.
/// Steady state allocates nothing, takes no lock and throws nothing; an I/O failure throws, which
/// halts the stage (better stopped than trading on input that was not recorded) — give the journal
/// stage the Halt exception policy, never Continue, which would pass the event on unjournaled.
/// </para>
/// </summary>
public sealed class JournalHandler : IValueEventHandler<EngineEvent>
{
    private const int EventWithTextsBytes = JournalCodec.MaxEventRecordBytes + (2 * JournalCodec.MaxRecordBytes);

    private readonly JournalWriter _writer;
    private readonly TextInterner _sources;
    private readonly TextInterner _reasons;
    private readonly bool _includeMarketData;
    private readonly long _firstJournalSequence;
    private readonly ParameterMailbox<RiskParameters>? _riskParameters;

    // Which ids already have a TextInterned record in the current segment (reset on roll).
    private readonly bool[] _sourceWritten;
    private readonly bool[] _reasonWritten;
    private int _generation;

    /// <param name="writer">Where records go.</param>
    /// <param name="options">Whether market data is journaled.</param>
    /// <param name="sources">Signal sources, for their TextInterned records.</param>
    /// <param name="reasons">Signal reasons, for their TextInterned records.</param>
    /// <param name="firstJournalSequence">Journal sequence of ring sequence 0.</param>
    /// <param name="riskParameters">
    /// The engine's parameter mailbox: an ApplyRiskParameters command is preceded by a RiskParameters
    /// record holding what it staged, so replay applies the same limits. Null = commands only.
    /// </param>
    public JournalHandler(JournalWriter writer, JournalOptions options, TextInterner sources, TextInterner reasons, long firstJournalSequence = 0, ParameterMailbox<RiskParameters>? riskParameters = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(reasons);
        ArgumentOutOfRangeException.ThrowIfNegative(firstJournalSequence);
        _writer = writer;
        _sources = sources;
        _reasons = reasons;
        _includeMarketData = options.IncludeMarketData;
        _firstJournalSequence = firstJournalSequence;
        _riskParameters = riskParameters;
        _sourceWritten = new bool[sources.Capacity];
        _reasonWritten = new bool[reasons.Capacity];
        _generation = writer.Generation;
    }

    /// <summary>Journal sequence of ring sequence 0: journal sequence = this + ring sequence.</summary>
    public long FirstJournalSequence => _firstJournalSequence;

    /// <summary>Events appended to the journal.</summary>
    public long EventsJournaled { get; private set; }

    /// <summary>Market-data events skipped because <see cref="JournalOptions.IncludeMarketData"/> is off.</summary>
    public long EventsSkipped { get; private set; }

    public void OnEvent(ref EngineEvent data, long sequence, bool endOfBatch)
    {
        if (data.Kind == EventKind.None)
        {
            // A slot whose publisher failed while filling it (RingPublisher): no input, nothing to replay.
        }
        else if (_includeMarketData || !JournalCodec.IsMarketData(data.Kind))
        {
            Append(in data, _firstJournalSequence + sequence);
        }
        else
        {
            EventsSkipped++;
        }

        if (endOfBatch)
        {
            _writer.Flush();
        }
    }

    public void OnStart()
    {
    }

    /// <summary>Writes and syncs what is pending, whatever the fsync policy.</summary>
    public void OnShutdown() => _writer.FlushAndSync();

    /// <summary>
    /// Inline placement: the order manager is about to release an order or cancel caused by an event
    /// this handler has appended — write what is pending (one write call; synced as the policy says
    /// for a batch), so the cause is in the journal before the order leaves.
    /// </summary>
    public void FlushBeforeRelease() => _writer.Flush();

    private void Append(in EngineEvent e, long journalSequence)
    {
        // Texts and their event go to one segment: reserve room for all three before writing any.
        _writer.Reserve(journalSequence, EventWithTextsBytes);
        if (_writer.Generation != _generation)
        {
            _generation = _writer.Generation;
            Array.Clear(_sourceWritten);
            Array.Clear(_reasonWritten);
        }

        if (e.Kind == EventKind.TradeSignal)
        {
            AppendTextOnce(JournalTextTable.Sources, _sources, _sourceWritten, e.SourceId, journalSequence);
            AppendTextOnce(JournalTextTable.Reasons, _reasons, _reasonWritten, e.ReasonId, journalSequence);
        }
        else if (e.Kind == EventKind.Command && e.Command == CommandKind.ApplyRiskParameters && _riskParameters?.Get(e.CommandArg) is { } parameters)
        {
            // The contents and their command in one segment: the reservation above covers a
            // text-less event; reserve again for both (rare: a live change).
            _writer.Reserve(journalSequence, JournalRiskCodec.RecordBytes(parameters) + JournalCodec.MaxEventRecordBytes);
            _writer.AppendRiskParameters(parameters, e.CommandArg, journalSequence);
        }

        _writer.AppendEvent(in e, journalSequence);
        EventsJournaled++;
    }

    private void AppendTextOnce(JournalTextTable table, TextInterner interner, bool[] written, int id, long journalSequence)
    {
        // Id 0 is the empty text; ids outside the interner cannot be named (replay reads them as empty).
        if (id <= 0 || (uint)id >= (uint)written.Length || written[id])
        {
            return;
        }

        written[id] = true;
        _writer.AppendText(table, id, interner.Get(id), journalSequence);
    }
}
