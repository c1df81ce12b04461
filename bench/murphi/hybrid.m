-- hybrid.m: specs/barriers/hybrid.gcv in Murphi, for Rumur: Go's hybrid barrier (shade the old target;
-- shade the new one while the writing goroutine's stack is unscanned), stacks scanned one goroutine at
-- a time and never rescanned, allocate black, ROOTS = 1 per goroutine and one shared global.
-- Expected: no_live_freed, weak_tricolor and mark_complete hold.
--
-- The state is gcverify's, one to one, mapped as in dijkstra_rescan.m (and bench/promela/gc_lib.pml):
-- nil is `undefined`; `cpc` and `mpc[m]` are the program counters, valued as gcverify's control
-- points (Collector: idle, after the stop-the-world step, scanning, sweeping; Mutator: safepoint,
-- store after shade(old), store_global after shade(old), store.write, store_global's write);
-- store's `o`, `v`, pre_write's `old`, `new` and store_global's `v` are per-mutator state variables,
-- set and reset (undefined) in the same steps as gcverify's hidden locals.  One rule per gcverify
-- action.  The heap procedures and no_live_freed are the same text as in dijkstra_rescan.m.
--
-- Sizes: bench/vs_spin.py rewrites the OBJECTS and MUTATORS constants below before running `rumur`
-- (by hand, edit them; ROOTS is the spec's).  Check by hand:
--   rumur --symmetry-reduction off --deadlock-detection off -o hybrid.c hybrid.m && cc -O3 -o hybrid hybrid.c -lpthread && ./hybrid

const
  OBJECTS: 2;
  MUTATORS: 2;
  ROOTS: 1;

type
  Object: scalarset(OBJECTS);
  Mutator: scalarset(MUTATORS);
  Root: 0 .. ROOTS - 1;
  Color: enum { WHITE, GREY, BLACK };
  Phase: enum { IDLE, MARK, SWEEP };
  CollectorPc: enum { C_IDLE, C_STOPPED, C_SCANNING, C_SWEEPING };
  MutatorPc: enum { M_SAFEPOINT, M_STORE_BARRIER, M_GLOBAL_BARRIER, M_STORE_WRITE, M_GLOBAL_WRITE };
  Flags: array [Object] of boolean;

var
  heap: array [Object] of Object;                   -- the one field `next`; undefined is nil
  allocated: array [Object] of boolean;
  color: array [Object] of Color;
  root: array [Mutator] of array [Root] of Object;
  glob: Object;                                     -- global[0] (GLOBALS = 1)
  phase: Phase;
  scanned: array [Mutator] of boolean;
  swept: array [Object] of boolean;
  world_stopped: boolean;                           -- never set (RESCAN = false), as in gcverify
  cpc: CollectorPc;
  mpc: array [Mutator] of MutatorPc;
  store_o: array [Mutator] of Object;               -- store.o
  store_v: array [Mutator] of Object;               -- store.v
  pw_old: array [Mutator] of Object;                -- pre_write.old
  pw_new: array [Mutator] of Object;                -- pre_write.new
  sg_v: array [Mutator] of Object;                  -- store_global.v (store_global.g is always 0)

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

function all_scanned(): boolean;
begin
  return forall m: Mutator do scanned[m] endforall;
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

-- weak_tricolor: a white object a black one points to is reachable from a grey object through
-- white objects only: it is on the white part of the chain after some grey object.
function white_path(var start: Object; var target: Object): boolean;
var i: Object; n: 0 .. OBJECTS;
begin
  i := start;
  n := 0;
  while n < OBJECTS do
    if color[i] != WHITE then return false; endif;
    if i = target then return true; endif;
    if isundefined(heap[i]) then return false; endif;
    i := heap[i];
    n := n + 1;
  end;
  return false;
end;

function from_grey(var target: Object): boolean;
begin
  for g: Object do
    if color[g] = GREY & !isundefined(heap[g]) then
      if white_path(heap[g], target) then return true; endif;
    endif;
  endfor;
  return false;
end;

function weak_tricolor(): boolean;
begin
  if phase != MARK then return true; endif;
  for o: Object do
    if color[o] = BLACK & !isundefined(heap[o]) then
      if color[heap[o]] = WHITE then
        if !from_grey(heap[o]) then return false; endif;
      endif;
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
invariant "weak_tricolor" weak_tricolor();
invariant "mark_complete" mark_complete();

-- ---------------------------------------------------------------- the initial state

startstate "init"
begin
  for o: Object do
    undefine heap[o]; allocated[o] := false; color[o] := WHITE; swept[o] := false;
  endfor;
  for m: Mutator do
    for r: Root do undefine root[m][r]; endfor;
    scanned[m] := false; mpc[m] := M_SAFEPOINT;
    undefine store_o[m]; undefine store_v[m]; undefine pw_old[m]; undefine pw_new[m]; undefine sg_v[m];
  endfor;
  undefine glob;
  phase := IDLE;
  world_stopped := false;
  cpc := C_IDLE;
end;

-- ---------------------------------------------------------------- the Collector

rule "collector: stop the world, barrier on" cpc = C_IDLE & stopped() ==>
begin
  phase := MARK;
  cpc := C_STOPPED;
end;

rule "collector: scan_globals" cpc = C_STOPPED ==>
begin
  shade(glob);
  cpc := C_SCANNING;
end;

ruleset m: Mutator do
  rule "collector: scan_stack" cpc = C_SCANNING & !scanned[m] ==>
  begin scan_stack(m); end;
end;

ruleset x: Object do
  rule "collector: scan_object" cpc = C_SCANNING & color[x] = GREY ==>
  begin scan_object(x); end;

  rule "collector: sweep_object" cpc = C_SWEEPING & !swept[x] ==>
  begin sweep_object(x); end;
end;

rule "collector: mark termination" cpc = C_SCANNING & all_scanned() & no_grey() & stopped() ==>
begin
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

    -- store(m, root[m][r], f, root[m][s]), first step: pre_write's shade(old)
    rule "mutator: store, shade old" mpc[m] = M_SAFEPOINT & !world_stopped & !isundefined(root[m][r]) ==>
    begin
      store_o[m] := root[m][r];
      set_ptr(store_v[m], root[m][s]);
      set_ptr(pw_old[m], heap[store_o[m]]);
      set_ptr(pw_new[m], store_v[m]);
      shade(pw_old[m]);
      mpc[m] := M_STORE_BARRIER;
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

    -- set_root(m, r, global[g])
    rule "mutator: load global" mpc[m] = M_SAFEPOINT & !world_stopped ==>
    begin set_ptr(root[m][r], glob); end;

    -- store_global(m, g, root[m][r]), first step: pre_write's shade(old)
    rule "mutator: store_global, shade old" mpc[m] = M_SAFEPOINT & !world_stopped ==>
    begin
      set_ptr(sg_v[m], root[m][r]);
      set_ptr(pw_old[m], glob);
      set_ptr(pw_new[m], sg_v[m]);
      shade(pw_old[m]);
      mpc[m] := M_GLOBAL_BARRIER;
    end;
  end;

  -- pre_write's second half: shade(new) while this stack is unscanned; else straight to the store
  rule "mutator: store, shade new" mpc[m] = M_STORE_BARRIER & !scanned[m] ==>
  begin
    shade(pw_new[m]);
    undefine pw_old[m]; undefine pw_new[m];
    mpc[m] := M_STORE_WRITE;
  end;

  rule "mutator: store, write (stack scanned)" mpc[m] = M_STORE_BARRIER & scanned[m] ==>
  begin
    undefine pw_old[m]; undefine pw_new[m];
    set_ptr(heap[store_o[m]], store_v[m]);
    undefine store_o[m]; undefine store_v[m];
    mpc[m] := M_SAFEPOINT;
  end;

  rule "mutator: store, write" mpc[m] = M_STORE_WRITE ==>
  begin
    set_ptr(heap[store_o[m]], store_v[m]);
    undefine store_o[m]; undefine store_v[m];
    mpc[m] := M_SAFEPOINT;
  end;

  rule "mutator: store_global, shade new" mpc[m] = M_GLOBAL_BARRIER & !scanned[m] ==>
  begin
    shade(pw_new[m]);
    undefine pw_old[m]; undefine pw_new[m];
    mpc[m] := M_GLOBAL_WRITE;
  end;

  rule "mutator: store_global, write (stack scanned)" mpc[m] = M_GLOBAL_BARRIER & scanned[m] ==>
  begin
    undefine pw_old[m]; undefine pw_new[m];
    set_ptr(glob, sg_v[m]);
    undefine sg_v[m];
    mpc[m] := M_SAFEPOINT;
  end;

  rule "mutator: store_global, write" mpc[m] = M_GLOBAL_WRITE ==>
  begin
    set_ptr(glob, sg_v[m]);
    undefine sg_v[m];
    mpc[m] := M_SAFEPOINT;
  end;
end;
