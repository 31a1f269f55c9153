namespace Orchestrator.RingBuffer;

/// <summary>Which sequencer a ring uses: one publishing thread, or many.</summary>
public enum ProducerType
{
    /// <summary>Exactly one thread claims and publishes. Cheapest: no atomic instructions on claim.</summary>
    Single,

    /// <summary>Any number of threads claim and publish concurrently.</summary>
    Multi,
}
