<!DOCTYPE html>
<html lang="fr" dir="ltr"><head><meta charset="utf-8"><title>Centre de santé sexuelle – planning familial de Neuchâtel</title>
<link rel="canonical" href="__ORIGIN__/Pages/accueil.aspx"></head>
<body class="ms-backgroundImage"><form method="post" action="./accueil.aspx" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" value="dDwtMTA4MzE0MjEwNTs7Pg==">
<div id="s4-workspace"><div id="header">
<span class="portail">Portail de test</span> › <span>Centre de santé sexuelle – planning familial de Neuchâtel</span></div>
<div id="breadcrumb"><a href="/Pages/accueil.aspx">Accueil</a> &gt; <span>Centre de santé sexuelle – planning familial de Neuchâtel</span></div>
<div id="leftNav"><h3>Dans cette rubrique</h3><ul><li><a href="/Pages/accueil.aspx">Accueil</a></li><li><a href="/Pages/prestations.aspx">Prestations</a></li><li><a href="/Pages/formulaires.aspx">Formulaires</a></li><li><a href="/Pages/contact.aspx">Contact</a></li><li><a href="/Pages/archives.aspx">Archives</a></li></ul></div>
<div id="contentBox"><div class="ms-rtestate-field"><h1>Centre de santé sexuelle – planning familial de Neuchâtel</h1><p>Service de la Ville de Neuchâtel, cofinancé par le canton, ouvert à toute personne qui veut parler de vie affective, de sexualité, de contraception, d'infections sexuellement transmissibles ou de grossesse, y compris de son interruption. Les entretiens avec des conseillères spécialisées sont gratuits et confidentiels.</p><p>Le centre fournit aussi, pour un montant modeste ou gratuitement selon la situation, des tests de grossesse, la contraception d'urgence et des dépistages d'IST. Un fonds peut aider les personnes sans moyens à payer leur contraception.</p></div></div>
<aside id="contactBox"><h3>Contact</h3><p>Centre de santé sexuelle – planning familial de Neuchâtel</p></aside>
<div id="footer">© Centre de santé sexuelle – planning familial de Neuchâtel · Miroir de test Permanence – contenu généré</div></div></form></body></html>
