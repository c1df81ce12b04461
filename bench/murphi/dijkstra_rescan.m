-- dijkstra_rescan.m: specs/barriers/dijkstra_rescan.gcv in Murphi, for Rumur (Dijkstra's insertion
-- barrier on heap writes, allocate black, a stop-the-world rescan of every stack at mark termination,
-- then marking to the end one object per step while the mutators wait).  Expected: safe.
--
-- The state is gcverify's, one to one (the same mapping as bench/promela/gc_lib.pml): every gcverify
-- `var` is a state variable here; nil is Murphi's `undefined` (so a scalarset permutation leaves it
-- alone); each program counter is a state variable (`cpc` for the Collector, `mpc[m]` per mutator)
-- whose values are gcverify's control points; each gcverify action (one atomic step, its choose
-- values fixed) is one rule; store's hidden locals `o` and `v` are per-mutator state variables, set
-- by the barrier step and reset (undefined) by the store.  `stopped(Mutator)` is a function of the
-- mutators' program counters and the invariants are functions with local variables: neither adds
-- state.  Objects and mutators are scalarsets, so Rumur's symmetry reduction applies.
--
-- Sizes: bench/vs_spin.py rewrites the OBJECTS and MUTATORS constants below before running `rumur`
-- (by hand, edit them; ROOTS is the spec's).  Check by hand:
--   rumur --symmetry-reduction off --deadlock-detection off -o d.c dijkstra_rescan.m && cc -O3 -o d d.c -lpthread && ./d
-- Undefined values must never be read (Rumur stops with "read of undefined value"), hence
-- `isundefined` before every use of a pointer and `set_ptr` for copies.

const
  OBJECTS: 3;
  MUTATORS: 1;
  ROOTS: 2;

type
  Object: scalarset(OBJECTS);
  Mutator: scalarset(MUTATORS);
  Root: 0 .. ROOTS - 1;
  Color: enum { WHITE, GREY, BLACK };
  Phase: enum { IDLE, MARK, SWEEP };
  CollectorPc: enum { C_IDLE, C_MARKING, C_DRAINING, C_SWEEPING };
  MutatorPc: enum { M_SAFEPOINT, M_WRITE };

var
  heap: array [Object] of Object;                   -- the one field `next`; undefined is nil
  allocated: array [Object] of boolean;
  color: array [Object] of Color;
  root: array [Mutator] of array [Root] of Object;
  glob: Object;                                     -- global[0] (GLOBALS = 1)
  phase: Phase;
  scanned: array [Mutator] of boolean;
  swept: array [Object] of boolean;
  world_stopped: boolean;
  cpc: CollectorPc;
  mpc: array [Mutator] of MutatorPc;
  store_o: array [Mutator] of Object;               -- store.o
  store_v: array [Mutator] of Object;               -- store.v

-- d := s, nil included (both by reference: reading an undefined value is an error).
procedure set_ptr(var d: Object; var s: Object);
begin
  if isundefined(s) then undefine d; else d := s; endif;
end;

procedure shade(var x: Object);
begin
  if phase = MARK then
    if !isundefined(x) then
      if color[x] = WHITE then color[x] := GREY; endif;
    endif;
  endif;
end;

procedure scan_object(x: Object);
begin
  shade(heap[x]);
  color[x] := BLACK;
end;

procedure scan_stack(m: Mutator);
begin
  for r: Root do shade(root[m][r]); endfor;
  scanned[m] := true;
end;

procedure sweep_object(x: Object);
begin
  if allocated[x] & color[x] = WHITE then
    allocated[x] := false; color[x] := WHITE; undefine heap[x];
  else
    color[x] := WHITE;
  endif;
  swept[x] := true;
end;

function stopped(): boolean;
begin
  return forall m: Mutator do mpc[m] = M_SAFEPOINT endforall;
end;

function no_grey(): boolean;
begin
  return forall o: Object do color[o] != GREY endforall;
end;

-- ---------------------------------------------------------------- the invariants

-- Every object on the chain from `start` (each object has one field, so what a pointer reaches is a
-- chain, of at most OBJECTS distinct objects) is allocated / is black.  Walking the chain reads the
-- state only; a `reach` array in a local variable (as gc_lib.pml has) costs Rumur writes: 8% slower.
function chain_allocated(var start: Object): boolean;
var i: Object; n: 0 .. OBJECTS;
begin
  if isundefined(start) then return true; endif;
  i := start;
  n := 0;
  while n < OBJECTS do
    if !allocated[i] then return false; endif;
    if isundefined(heap[i]) then return true; endif;
    i := heap[i];
    n := n + 1;
  end;
  return true;
end;

function chain_black(var start: Object): boolean;
var i: Object; n: 0 .. OBJECTS;
begin
  if isundefined(start) then return true; endif;
  i := start;
  n := 0;
  while n < OBJECTS do
    if color[i] != BLACK then return false; endif;
    if isundefined(heap[i]) then return true; endif;
    i := heap[i];
    n := n + 1;
  end;
  return true;
end;

-- no_live_freed: every object reachable from a root or the global is allocated.
function no_live_freed(): boolean;
begin
  for m: Mutator do for r: Root do
    if !chain_allocated(root[m][r]) then return false; endif;
  endfor; endfor;
  return chain_allocated(glob);
end;

function strong_tricolor(): boolean;
begin
  if phase != MARK then return true; endif;
  for o: Object do
    if color[o] = BLACK & !isundefined(heap[o]) then
      if color[heap[o]] = WHITE then return false; endif;
    endif;
  endfor;
  return true;
end;

-- mark_complete: when marking has ended and sweeping has not begun, every reachable object is black.
function mark_complete(): boolean;
begin
  if phase != SWEEP then return true; endif;
  if exists o: Object do swept[o] endexists then return true; endif;
  for m: Mutator do for r: Root do
    if !chain_black(root[m][r]) then return false; endif;
  endfor; endfor;
  return chain_black(glob);
end;

invariant "no_live_freed" no_live_freed();
invariant "strong_tricolor" strong_tricolor();
invariant "mark_complete" mark_complete();

-- ---------------------------------------------------------------- the initial state

startstate "init"
begin
  for o: Object do
    undefine heap[o]; allocated[o] := false; color[o] := WHITE; swept[o] := false;
  endfor;
  for m: Mutator do
    for r: Root do undefine root[m][r]; endfor;
    scanned[m] := false; mpc[m] := M_SAFEPOINT; undefine store_o[m]; undefine store_v[m];
  endfor;
  undefine glob;
  phase := IDLE;
  world_stopped := false;
  cpc := C_IDLE;
end;

-- ---------------------------------------------------------------- the Collector

rule "collector: stop the world, scan every stack" cpc = C_IDLE & stopped() ==>
begin
  phase := MARK;
  for m: Mutator do scan_stack(m); endfor;
  shade(glob);
  cpc := C_MARKING;
end;

ruleset x: Object do
  rule "collector: scan_object (marking)" cpc = C_MARKING & color[x] = GREY ==>
  begin scan_object(x); end;

  rule "collector: scan_object (draining)" cpc = C_DRAINING & color[x] = GREY ==>
  begin scan_object(x); end;

  rule "collector: sweep_object" cpc = C_SWEEPING & !swept[x] ==>
  begin sweep_object(x); end;
end;

rule "collector: stop the world, rescan every stack" cpc = C_MARKING & no_grey() & stopped() ==>
begin
  world_stopped := true;
  for m: Mutator do scan_stack(m); endfor;
  shade(glob);
  cpc := C_DRAINING;
end;

rule "collector: end of marking" cpc = C_DRAINING & no_grey() ==>
begin
  world_stopped := false;
  phase := SWEEP;
  cpc := C_SWEEPING;
end;

rule "collector: end of the cycle" cpc = C_SWEEPING & (forall o: Object do swept[o] endforall) ==>
begin
  phase := IDLE;
  for m: Mutator do scanned[m] := false; endfor;
  for o: Object do swept[o] := false; endfor;
  cpc := C_IDLE;
end;

-- ---------------------------------------------------------------- the Mutators

ruleset m: Mutator do
  ruleset r: Root; s: Root do
    -- set_root(m, r, root[m][s].f)
    rule "mutator: load" mpc[m] = M_SAFEPOINT & !world_stopped & !isundefined(root[m][s]) ==>
    begin set_ptr(root[m][r], heap[root[m][s]]); end;

    -- store(m, root[m][r], f, root[m][s]), first step: pre_write's shade(new)
    rule "mutator: store, barrier" mpc[m] = M_SAFEPOINT & !world_stopped & !isundefined(root[m][r]) ==>
    begin
      store_o[m] := root[m][r];
      set_ptr(store_v[m], root[m][s]);
      shade(store_v[m]);
      mpc[m] := M_WRITE;
    end;

    -- set_root(m, r, root[m][s]) for r != s
    rule "mutator: copy" mpc[m] = M_SAFEPOINT & !world_stopped & r != s & !isundefined(root[m][s]) ==>
    begin root[m][r] := root[m][s]; end;
  end;

  ruleset r: Root do
    -- set_root(m, r, nil)
    rule "mutator: drop" mpc[m] = M_SAFEPOINT & !world_stopped & !isundefined(root[m][r]) ==>
    begin undefine root[m][r]; end;

    -- alloc(m, r) choosing the free object x
    ruleset x: Object do
      rule "mutator: alloc" mpc[m] = M_SAFEPOINT & !world_stopped & !allocated[x] ==>
      begin
        allocated[x] := true;
        if phase = MARK then color[x] := BLACK;                    -- ALLOC_COLOR = black
        elsif phase = SWEEP & !swept[x] then color[x] := BLACK;
        else color[x] := WHITE;
        endif;
        root[m][r] := x;
      end;
    end;
  end;

  -- store.write: o.f := v
  rule "mutator: store, write" mpc[m] = M_WRITE ==>
  begin
    set_ptr(heap[store_o[m]], store_v[m]);
    undefine store_o[m];
    undefine store_v[m];
    mpc[m] := M_SAFEPOINT;
  end;
end;
