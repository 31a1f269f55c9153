using System.Collections;

namespace Orchestrator.Backtest;

/// <summary>
/// An append-only list kept in fixed chunks of 16,384 items: growing never copies what is already
/// there, and never holds an old and a new array of the whole list at once, as <see cref="List{T}"/>
/// does when it doubles. A long backtest's fills, orders and equity points (about a million each for
/// 20 M bars) are kept in these, so the run's peak memory is what it holds, not up to twice that.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class ChunkedList<T> : IReadOnlyList<T>
{
    private const int ChunkShift = 14;
    private const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;
    private T[][] _chunks = new T[4][];

    /// <inheritdoc/>
    public int Count { get; private set; }

    /// <inheritdoc/>
    public T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return _chunks[index >> ChunkShift][index & ChunkMask];
        }
    }

    /// <summary>Appends <paramref name="item"/>; allocates only when a chunk fills (and a small index array, rarely).</summary>
    public void Add(in T item)
    {
        int chunk = Count >> ChunkShift;
        if (chunk == _chunks.Length)
        {
            Array.Resize(ref _chunks, _chunks.Length * 2);
        }

        T[] items = _chunks[chunk] ??= new T[ChunkSize];
        items[Count & ChunkMask] = item;
        Count++;
    }

    /// <summary>Replaces the last item (there must be one).</summary>
    public void SetLast(in T item)
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("the list is empty");
        }

        int last = Count - 1;
        _chunks[last >> ChunkShift][last & ChunkMask] = item;
    }

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return _chunks[i >> ChunkShift][i & ChunkMask];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
