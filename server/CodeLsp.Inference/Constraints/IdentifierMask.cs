using System.Diagnostics;

namespace CodeLsp.Inference.Constraints;

/// <summary>
/// One completion's logit mask for its first identifier. While active, the model's greedy token is kept when the
/// constraint allows it (the common case, and the cheap one); otherwise the best token the constraint allows is
/// chosen by walking the names' trie and the vocabulary's trie together, so only tokens that continue an allowed name
/// (or finish one and go on with a non-identifier byte) are looked at. Stopping is allowed only before anything was
/// generated or right after a whole name. Once the text leaves the identifier the mask is inactive and costs nothing.
/// </summary>
public sealed class IdentifierMask
{
    private readonly IdentifierTrie _names;
    private readonly VocabularyTrie _vocabulary;
    private readonly IReadOnlyCollection<int> _stopTokens;
    private readonly long _setupTicks;
    private int _node = IdentifierTrie.Root;
    private bool _atStart = true;
    private long _ticks;
    private int _steps;
    private int _overridden;

    /// <param name="stopTokens">Tokens that end generation; chosen only where stopping is allowed.</param>
    public IdentifierMask(IdentifierConstraint constraint, VocabularyTrie vocabulary, IReadOnlyCollection<int> stopTokens)
    {
        ArgumentNullException.ThrowIfNull(constraint);
        var start = Stopwatch.GetTimestamp();
        _names = new IdentifierTrie(constraint.Names, constraint.AlternativeStarts);
        _vocabulary = vocabulary;
        _stopTokens = stopTokens;
        _setupTicks = Stopwatch.GetTimestamp() - start;
        _ticks = _setupTicks;
    }

    /// <summary>True until the generated text has left the first identifier.</summary>
    public bool IsActive => _node >= 0;

    /// <summary>Whether generation may end here: nothing generated yet, or a whole name generated.</summary>
    public bool CanStop => _node >= 0 && (_atStart || _names.IsTerminal(_node));

    public ConstraintReport Report => new(_steps, _overridden, Stopwatch.GetElapsedTime(0, _ticks), Stopwatch.GetElapsedTime(0, _setupTicks),
        Unfinished: IsActive && !_atStart && !_names.IsTerminal(_node));

    /// <summary>Whether the constraint allows <paramref name="token"/> next (a token with no bytes is never allowed while active).</summary>
    public bool Allows(int token)
    {
        if (!IsActive)
        {
            return true;
        }

        var bytes = _vocabulary.BytesOf(token);
        return bytes.Length > 0 && _names.Walk(_node, bytes, _atStart) != IdentifierTrie.Rejected;
    }

    /// <summary>
    /// The token to take: <paramref name="greedy"/> (the model's choice, <paramref name="greedyStops"/> when it ends
    /// generation) if allowed, else the allowed token with the highest logit; -1 when nothing is allowed.
    /// </summary>
    public int Choose(ReadOnlySpan<float> logits, int greedy, bool greedyStops)
    {
        if (!IsActive)
        {
            return greedy;
        }

        var start = Stopwatch.GetTimestamp();
        _steps++;
        var choice = greedy;
        if (greedyStops ? !CanStop : !Allows(greedy))
        {
            _overridden++;
            choice = BestAllowed(logits);
        }

        _ticks += Stopwatch.GetTimestamp() - start;
        return choice;
    }

    /// <summary>Advances past the chosen token.</summary>
    public void Accept(int token)
    {
        if (!IsActive)
        {
            return;
        }

        var start = Stopwatch.GetTimestamp();
        var next = _names.Walk(_node, _vocabulary.BytesOf(token), _atStart);
        // A token the mask did not allow (a stop token) ends the constraint.
        _node = next == IdentifierTrie.Rejected ? IdentifierTrie.Free : next;
        _atStart = false;
        _ticks += Stopwatch.GetTimestamp() - start;
    }

    private int BestAllowed(ReadOnlySpan<float> logits)
    {
        var best = new Best(logits);
        Collect(ref best, _node, _vocabulary.Root);
        if (CanStop)
        {
            foreach (var stop in _stopTokens)
            {
                best.Consider(stop);
            }
        }

        return best.Token;
    }

    /// <summary>Considers every vocabulary token under <paramref name="vocabularyNode"/> that the names allow from <paramref name="nameNode"/>.</summary>
    private void Collect(ref Best best, int nameNode, VocabularyTrie.Node vocabularyNode)
    {
        if (_names.IsTerminal(nameNode))
        {
            // The name is whole: every token whose next byte leaves the identifier is allowed, with all it holds after.
            foreach (var (from, to) in IdentifierTrie.NonIdentifierRanges)
            {
                best.ConsiderRange(_vocabulary, _vocabulary.ByteRange(vocabularyNode, from, to));
            }
        }
        else if (_atStart && vocabularyNode.Depth == 0)
        {
            foreach (var (from, to) in IdentifierTrie.NonIdentifierRanges)
            {
                for (var b = from; b <= to; b++)
                {
                    if (_names.IsAlternativeStart(b))
                    {
                        best.ConsiderRange(_vocabulary, _vocabulary.ByteRange(vocabularyNode, b, b));
                    }
                }
            }
        }

        var bytes = _names.ChildBytes(nameNode);
        var nodes = _names.ChildNodes(nameNode);
        for (var i = 0; i < bytes.Length; i++)
        {
            var child = _vocabulary.Child(vocabularyNode, bytes[i]);
            if (child.IsEmpty)
            {
                continue;
            }

            best.ConsiderRange(_vocabulary, _vocabulary.EndingAt(child));
            Collect(ref best, nodes[i], child);
        }
    }

    private ref struct Best(ReadOnlySpan<float> logits)
    {
        private readonly ReadOnlySpan<float> _logits = logits;
        private float _value = float.NegativeInfinity;

        public int Token { get; private set; } = -1;

        public void Consider(int token)
        {
            if ((uint)token < (uint)_logits.Length && (_logits[token] > _value || Token < 0))
            {
                _value = _logits[token];
                Token = token;
            }
        }

        public void ConsiderRange(VocabularyTrie vocabulary, (int Start, int End) range)
        {
            for (var i = range.Start; i < range.End; i++)
            {
                Consider(vocabulary.IdAt(i));
            }
        }
    }
}
